"""Database models, one module per domain."""

from .people import EMPLOYMENT_STATUSES, ROLES, Unit, User

__all__ = ["EMPLOYMENT_STATUSES", "ROLES", "Unit", "User"]
