"""The conversation, the same on every platform.

`core/` is the machinery every turn goes through: the message model (`messages.py`: `Incoming`,
`Reply`, `Result`, `State`, `Outgoing`), the `Context` of a turn, the dispatcher, the router each
flow fills, choices and button payloads, carried drafts and the limit for people who have not
joined. `routes.py` lists every flow. Features that span several modules have a package:
`visits/` (logging a visit: /ghinhan, its questions, the one-line log, /sua, /henlai),
`progress/` (/tiendo: its screens, texts and chart), `report/` (/baocao: the district workbook and
its periods), `pushes/` (what the scheduled jobs send). `flows/` holds the one-module commands.
The modules at this level are small helpers several features share. Handlers never send and never
import a platform, a scheduler or `bot/`.
"""
