"""Commands that fit in one module each (join, invite, target, team, households…). Each has a
`router`; `handlers/routes.py` lists them."""
