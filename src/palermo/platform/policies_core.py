"""Policies of the platform's own records, and of the audit trail's entries."""

from auditlog.models import LogEntry

from .audit import RecordsVisible
from .models import ColumnMapping, Grant, ImportRun, Job, Notification, ReadEvent, ScheduledRun
from .policies import Policy, authenticated, nobody, owner, register_policy, secretariat


@register_policy
class GrantPolicy(Policy):
    """Holders see their own grants; who else may see a record's grants is the record's policy
    (its ``share`` action), checked by the services that grant."""

    model = Grant
    view = secretariat | owner("user")


@register_policy
class ReadEventPolicy(Policy):
    """Who read a record: the Secretariat, and whoever may see its reads (``see_reads``: by
    default those who may change it, e.g. a workspace's owners)."""

    model = ReadEvent
    view = secretariat | RecordsVisible("see_reads")
    change = secretariat


@register_policy
class LogEntryPolicy(Policy):
    """Each person sees the audit entries of the records they may see."""

    model = LogEntry
    view = secretariat | RecordsVisible("view")


@register_policy
class JobPolicy(Policy):
    """A job and its report are its starter's, and the Secretariat's."""

    model = Job
    view = secretariat | owner("owner")
    add = authenticated
    change = nobody
    actions = {"cancel": secretariat | owner("owner")}


@register_policy
class NotificationPolicy(Policy):
    model = Notification
    view = owner("recipient")
    change = owner("recipient")


@register_policy
class ColumnMappingPolicy(Policy):
    """A saved mapping is its author's and the Secretariat's to use and change."""

    model = ColumnMapping
    view = secretariat | owner("owner")
    add = authenticated
    change = secretariat | owner("owner")
    delete = secretariat | owner("owner")


@register_policy
class ImportRunPolicy(Policy):
    """An import, its report and its kept file are its starter's and the Secretariat's."""

    model = ImportRun
    view = secretariat | owner("owner")
    add = authenticated
    change = nobody
    actions = {"download": secretariat | owner("owner")}


@register_policy
class ScheduledRunPolicy(Policy):
    """The daily tasks' runs: the Secretariat's to see; written by the workers alone."""

    model = ScheduledRun
    view = secretariat
    change = nobody
