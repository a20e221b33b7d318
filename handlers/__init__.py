"""The conversation, the same on every platform.

A turn arrives as an `Incoming` (`messages.py`) inside a `Context` (`context.py`: the session,
the member, the translator, the clock, what the channel can show); `dispatch.handle` picks a
command, the pending step or a free-text handler from `flows/`, and returns `Reply` objects and
the next state. Handlers never send and never import a platform, a scheduler or `bot/`.
"""
