"""The app<->server sync protocol, version 1 (docs/sync-protocol.md), as pydantic models.

This is the one package both sides import: the server validates with it and publishes it in
its OpenAPI schema; the phone's store and sync engine build mutations with it. Never copy
these models elsewhere. Import from ``services.protocol``; the modules behind it are:

- ``limits``: protocol version, URL prefix, push and pull sizes
- ``enums``: roles, kinds, flags, question, mutation and entity types
- ``types``: annotated value types both sides validate with (``SafeText``, ``FiniteNumber``,
  ``Int32``/``Int64``/``Version``, ``Timestamp``, ``Answers``)
- ``checks``: ``check_mutation``, the one validation the phone's store and the server both
  run on every mutation
- ``wire``: auth, the push and pull envelopes, results, reject codes
- ``payloads``: one model per mutation type
- ``entities``: what a pulled change's ``data`` carries, and the questions of a checklist
- ``categories``: the concern categories, one list for both sides
- ``concerns``: the concern state machine
- ``masking``: phone and ID-card numbers (and names in audits) for roles that do not need them whole
- ``timestamps``: the one stored timestamp shape, and the clock
- ``reports``: the office's figures and a review meeting's candidate concerns
- ``register``: the report of a resident register upload
- ``admin``: what the office's administration routes take and give back
- ``workflow``: assigning concerns, call-backs and review meetings (payloads, meeting data)

Validating a mutation (both sides)
    from services.protocol import PayloadError, check_mutation

    try:
        payload = check_mutation(mutation_type, payload_dict, questions, created_at=created_at)
    except PayloadError as err:   # err.code, err.field, err.message; str(err) = "field: msg"
        ...

``questions`` are the checklist version's questions for ``visit.record`` (the phone has them
in its store, the server in its database) or the questionnaire's for
``questionnaire.response``; without them ``answers`` is still bounded but not checked
against a form. The result is the payload model; ``model_dump(mode="json",
exclude_unset=True)`` is what goes on the wire.

Conventions
- Every id is a UUID string (lower-case, hyphenated).
- Timestamps are ISO-8601 with an offset; the server stores them normalised to UTC. Both
  sides accept them from 2000-01-01T00:00:00Z to one day after now (``TIME_WINDOW_*``).
- Envelope errors (not JSON, wrong shape) are a whole-body 422; more than
  ``MAX_PUSH_MUTATIONS`` mutations or more than ``MAX_PUSH_BYTES`` bytes is a 413. A payload
  that does not match its type's schema is a per-mutation ``rejected`` with
  ``invalid_payload`` and the field named in the message; an unknown ``type`` is a
  per-mutation ``rejected`` with ``unknown_type`` (so a newer phone never blocks its batch).
  Every limit is in ``limits`` and in docs/sync-protocol.md.
"""

from services.protocol.categories import CATEGORY_NAMES, CONCERN_CATEGORIES, OTHER_CATEGORY
from services.protocol.checks import (
    PayloadError,
    check_answer_values,
    check_created_at,
    check_mutation,
    describe_problem,
    describe_validation_error,
    payload_size,
    text_limit,
)
from services.protocol.concerns import (
    CALLBACK_OUTCOMES,
    CONCERN_EVENT_ACTIONS,
    CONCERN_STATUSES,
    CONCERN_TRANSITIONS,
    REOPENING_OUTCOME,
    REVIEW_DECISIONS,
    UNFINISHED_STATUSES,
    CallbackOutcome,
    ConcernEventAction,
    ConcernStatus,
    ReviewDecision,
    runs_concern_workflow,
    transition_allowed,
)
from services.protocol.entities import (
    ENTITY_DATA,
    ChecklistData,
    ChoiceOption,
    ConcernData,
    ConcernEventData,
    ConflictData,
    DistrictData,
    EstateData,
    HouseholdData,
    LocalizedText,
    Question,
    QuestionnaireData,
    QuestionnaireResponseData,
    ResidentData,
    VisitData,
)
from services.protocol.enums import (
    ENTITIES,
    RESIDENT_FLAGS,
    ROLES,
    ConcernKind,
    EntityName,
    Gender,
    MutationType,
    QuestionType,
    ResidentFlag,
    Role,
    Vaccination,
    VisitMethod,
)
from services.protocol.limits import (
    API_PREFIX,
    DEFAULT_PULL_LIMIT,
    INT32_MAX,
    INT64_MAX,
    MAX_ANSWER_ITEMS,
    MAX_ANSWER_KEYS,
    MAX_ANSWER_NUMBER,
    MAX_ANSWER_TEXT,
    MAX_EXPORT_REASON,
    MAX_MUTATION_BYTES,
    MAX_PAYLOAD_DEPTH,
    MAX_PULL_LIMIT,
    MAX_PUSH_BYTES,
    MAX_PUSH_MUTATIONS,
    PROTOCOL_VERSION,
)
from services.protocol.masking import mask_id_number, mask_name, mask_phone
from services.protocol.payloads import (
    MUTATION_PAYLOADS,
    PHONE_MUTATION_TYPES,
    ConcernComment,
    ConcernCreate,
    ConcernTransition,
    ConflictResolve,
    HouseholdFields,
    HouseholdUpdate,
    QuestionnaireResponse,
    QuestionnaireReview,
    ResidentCreate,
    ResidentFields,
    ResidentRemove,
    ResidentReveal,
    ResidentUpdate,
    VisitRecord,
)
from services.protocol.register import REGISTER_FIELDS, RegisterImportReport, RegisterProblem
from services.protocol.reports import (
    AgendaConcern,
    AgendaResponse,
    Assignee,
    AssigneeList,
    ConcernFigures,
    ConcernListResponse,
    EstateFigures,
    HeadFigures,
    HouseholdListResponse,
    HouseholdRow,
    LivesAloneFigures,
    Over60Figures,
    PlaceFigures,
    ReportSummary,
    WeekFigures,
    WeeklyVisits,
)
from services.protocol.timestamps import age_in, utc_iso, utc_now
from services.protocol.types import (
    DATE_WINDOW,
    TIME_WINDOW_AHEAD,
    TIME_WINDOW_START,
    AnswerKey,
    Answers,
    AnswerText,
    AnswerValue,
    Day,
    FiniteNumber,
    Int32,
    Int64,
    SafeText,
    Timestamp,
    Version,
    text_problem,
    time_problem,
)
from services.protocol.wire import (
    REJECT_CODES,
    Change,
    ErrorBody,
    HealthResponse,
    LoginRequest,
    LoginResponse,
    Mutation,
    MutationError,
    MutationResult,
    MutationStatus,
    PullResponse,
    PushRequest,
    PushResponse,
    UserInfo,
    new_id,
)
from services.protocol.workflow import (
    MAX_AGENDA,
    ConcernAssign,
    ConcernCallback,
    ConcernEventDetail,
    MeetingClose,
    MeetingDecide,
    MeetingOpen,
    ReviewItemData,
    ReviewMeetingData,
)

__all__ = [
    # limits
    "API_PREFIX",
    "DEFAULT_PULL_LIMIT",
    "MAX_PULL_LIMIT",
    "MAX_PUSH_BYTES",
    "MAX_PUSH_MUTATIONS",
    "PROTOCOL_VERSION",
    "INT32_MAX",
    "INT64_MAX",
    "MAX_ANSWER_ITEMS",
    "MAX_ANSWER_KEYS",
    "MAX_ANSWER_NUMBER",
    "MAX_ANSWER_TEXT",
    "MAX_EXPORT_REASON",
    "MAX_MUTATION_BYTES",
    "MAX_PAYLOAD_DEPTH",
    # enums
    "ENTITIES",
    "RESIDENT_FLAGS",
    "ROLES",
    "ConcernKind",
    "EntityName",
    "Gender",
    "MutationType",
    "QuestionType",
    "ResidentFlag",
    "Role",
    "Vaccination",
    "VisitMethod",
    # categories
    "CATEGORY_NAMES",
    "CONCERN_CATEGORIES",
    "OTHER_CATEGORY",
    # types
    "DATE_WINDOW",
    "TIME_WINDOW_AHEAD",
    "TIME_WINDOW_START",
    "AnswerKey",
    "AnswerText",
    "AnswerValue",
    "Answers",
    "Day",
    "FiniteNumber",
    "Int32",
    "Int64",
    "SafeText",
    "Timestamp",
    "Version",
    "text_problem",
    "time_problem",
    # checks
    "PayloadError",
    "check_answer_values",
    "check_created_at",
    "check_mutation",
    "describe_problem",
    "describe_validation_error",
    "payload_size",
    "text_limit",
    # wire
    "REJECT_CODES",
    "Change",
    "ErrorBody",
    "HealthResponse",
    "LoginRequest",
    "LoginResponse",
    "Mutation",
    "MutationError",
    "MutationResult",
    "MutationStatus",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "UserInfo",
    "new_id",
    # payloads
    "MUTATION_PAYLOADS",
    "PHONE_MUTATION_TYPES",
    "ConcernComment",
    "ConcernCreate",
    "ConcernTransition",
    "ConflictResolve",
    "HouseholdFields",
    "HouseholdUpdate",
    "QuestionnaireResponse",
    "QuestionnaireReview",
    "ResidentCreate",
    "ResidentFields",
    "ResidentRemove",
    "ResidentReveal",
    "ResidentUpdate",
    "VisitRecord",
    # entities
    "ENTITY_DATA",
    "ChecklistData",
    "ChoiceOption",
    "ConcernData",
    "ConcernEventData",
    "ConflictData",
    "DistrictData",
    "EstateData",
    "HouseholdData",
    "LocalizedText",
    "Question",
    "QuestionnaireData",
    "QuestionnaireResponseData",
    "ResidentData",
    "VisitData",
    # concerns
    "CALLBACK_OUTCOMES",
    "CONCERN_EVENT_ACTIONS",
    "CONCERN_STATUSES",
    "CONCERN_TRANSITIONS",
    "REOPENING_OUTCOME",
    "REVIEW_DECISIONS",
    "UNFINISHED_STATUSES",
    "CallbackOutcome",
    "ConcernEventAction",
    "ConcernStatus",
    "ReviewDecision",
    "runs_concern_workflow",
    "transition_allowed",
    # masking
    "mask_id_number",
    "mask_name",
    "mask_phone",
    # reports
    "AgendaConcern",
    "AgendaResponse",
    "Assignee",
    "AssigneeList",
    "ConcernFigures",
    "ConcernListResponse",
    "EstateFigures",
    "HeadFigures",
    "HouseholdListResponse",
    "HouseholdRow",
    "LivesAloneFigures",
    "Over60Figures",
    "PlaceFigures",
    "REGISTER_FIELDS",
    "RegisterImportReport",
    "RegisterProblem",
    "ReportSummary",
    "WeekFigures",
    "WeeklyVisits",
    # workflow
    "MAX_AGENDA",
    "ConcernAssign",
    "ConcernCallback",
    "ConcernEventDetail",
    "MeetingClose",
    "MeetingDecide",
    "MeetingOpen",
    "ReviewItemData",
    "ReviewMeetingData",
    # timestamps
    "age_in",
    "utc_iso",
    "utc_now",
]
