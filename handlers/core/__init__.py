"""What every turn goes through: the message model, the turn's context, the dispatcher and the
router, choices and button payloads, drafts carried across commands, the stranger limit."""
