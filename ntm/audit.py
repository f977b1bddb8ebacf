"""Security audit trail: logins, logouts, failed logins and admin changes go to the
"ntm.security" logger.

Signal receivers are the right tool here, unlike for business logic: the events happen inside
Django's own auth views, backends and admin, which we do not call ourselves, and the audit must
not depend on every future view remembering to log. The records themselves stay in the
database too: django-axes stores each login and failure (AccessLog, AccessFailureLog) and the
admin stores each change (LogEntry); the logger sends them to the operator's log collection.
"""

import logging
from functools import wraps

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from .security import client_ip

logger = logging.getLogger("ntm.security")


def _address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "-"


@receiver(user_logged_in, dispatch_uid="ntm_security_login")
def log_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    logger.info("login user=%s ip=%s", user.get_username(), _address(request))


@receiver(user_logged_out, dispatch_uid="ntm_security_logout")
def log_logout(sender, request: HttpRequest | None, user, **kwargs) -> None:
    username = user.get_username() if user is not None else "-"
    logger.info("logout user=%s ip=%s", username, _address(request))


@receiver(user_login_failed, dispatch_uid="ntm_security_login_failed")
def log_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the username is logged.
    locked = bool(getattr(request, "axes_locked_out", False))
    logger.warning(
        "login failed user=%s ip=%s locked_out=%s",
        credentials.get("username", "-"),
        _address(request),
        locked,
    )


def _log_admin_entry(entry: LogEntry) -> None:
    action = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}.get(
        entry.action_flag, str(entry.action_flag)
    )
    content_type = entry.content_type
    logger.info(
        "admin %s user=%s object=%s id=%s repr=%r change=%s",
        action,
        entry.user.get_username(),
        f"{content_type.app_label}.{content_type.model}" if content_type else "-",
        entry.object_id,
        entry.object_repr,
        entry.get_change_message(),
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="ntm_security_admin_action")
def log_admin_action(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if created:
        _log_admin_entry(instance)


def log_bulk_admin_actions() -> None:
    """Also log the entries the admin writes with bulk_create, which sends no post_save.

    Since Django 5.1 the admin records an action on several objects at once (e.g. "delete
    selected") through LogEntryManager.log_actions() and bulk_create. Wrapping that one
    method is the only hook Django offers for it.
    """
    original = LogEntryManager.log_actions
    if getattr(original, "ntm_audited", False):
        return

    @wraps(original)
    def log_actions(self, user_id, queryset, action_flag, change_message="", *, single_object=False):
        entries = original(self, user_id, queryset, action_flag, change_message, single_object=single_object)
        if isinstance(entries, list) and len(entries) > 1:
            for entry in entries:
                _log_admin_entry(entry)
        return entries

    log_actions.ntm_audited = True
    LogEntryManager.log_actions = log_actions
