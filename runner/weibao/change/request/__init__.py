"""The written maintenance request (书面维护申请): one YAML file per change.

``changes/CR-2026-0001.yml`` is read in three passes, each reporting problems with the field
path and line they belong to (:mod:`~weibao.change.request.problems`):

1. YAML (:mod:`~weibao.change.request.reading`): one document, a mapping at the top, no
   duplicate keys, plain data only (text keys, no binary, sets or timestamps: date-times stay
   text, so nothing is reinterpreted), at most ``MAX_FILE_BYTES`` bytes and ``MAX_VALUES``
   values.
2. Structure (:mod:`~weibao.change.request.structure`):
   ``schemas/change_request.schema.json`` (JSON Schema draft 2020-12).
3. Meaning (:mod:`~weibao.change.request.meaning`): placeholders left from the skeleton, the
   file name against the id, time zone names, window order and length, durations that fit
   the window, people listed twice, reserved or secret-looking variable names, media listed
   twice.

:func:`validate_request` returns every problem; :func:`load_request` raises a
:class:`~weibao.errors.ConfigError` for the first one (in file order) or returns a
:class:`ChangeRequest`. :func:`canonical_digest` is what every sign-off signs
(:mod:`~weibao.change.request.document`). A new request's skeleton is
:mod:`weibao.change.skeleton`.
"""

from weibao.change.request.document import (
    BACKUP_REQUIRED_KINDS,
    KINDS,
    ChangeRequest,
    Downtime,
    Emergency,
    MediaItem,
    Targets,
    canonical_digest,
    load_request,
    validate_request,
)
from weibao.change.request.meaning import CHANGE_ID_RE, Window, parse_duration
from weibao.change.request.problems import Problem, RequestError

__all__ = [
    "BACKUP_REQUIRED_KINDS", "CHANGE_ID_RE", "KINDS", "ChangeRequest", "Downtime", "Emergency",
    "MediaItem", "Problem", "RequestError", "Targets", "Window", "canonical_digest",
    "load_request", "parse_duration", "validate_request",
]
