"""What a connector raises when a delivery cannot be fetched or read: the one home of the sources'
error classes, imported at the top of every connector (and by the stages that catch them)."""

from __future__ import annotations


class SourceError(RuntimeError):
    """A delivery could not be fetched, or cannot be read at all. `gate` names the batch gate it
    fails in the audit record: unreadable (encoding, format, a damaged file), header, empty."""

    gate = "unreadable"


class HeaderError(SourceError):
    """The delivery's header does not have the columns its format needs."""

    gate = "header"


class EmptyDeliveryError(SourceError):
    """The delivery holds no header, or a header and no rows."""

    gate = "empty"
