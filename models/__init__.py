"""SQLModel tables and the queries over them; no chat, locale or platform types here."""

from models.audit import AuditEntry
from models.communes import Commune, Village
from models.conversation import Conversation
from models.conversion import Conversion
from models.household import Household
from models.inbound import Inbound
from models.indicators import CommuneIndicator, Indicator, Target, Unit
from models.members import ChannelAccount, FailedAttempt, InviteCode, LinkCode, Member, Role
from models.outbox import BotUsage, JobRun, OutboxMessage
from models.reach import HouseholdReach
from models.throttle import RateMark
from models.visit import Outcome, Visit
from models.websession import WebLogin, WebSession

__all__ = [
    "AuditEntry",
    "BotUsage",
    "ChannelAccount",
    "Commune",
    "CommuneIndicator",
    "Conversation",
    "Conversion",
    "FailedAttempt",
    "Household",
    "HouseholdReach",
    "Inbound",
    "Indicator",
    "InviteCode",
    "JobRun",
    "LinkCode",
    "Member",
    "OutboxMessage",
    "Outcome",
    "RateMark",
    "Role",
    "Target",
    "Unit",
    "Visit",
    "Village",
    "WebLogin",
    "WebSession",
]
