"""Writes of 互动交流 and 好差评, named <thing>_<action>; views, admin and commands all call these."""
from .messages import (  # noqa: F401
    DuplicateMessage, WorkflowError, message_answer, message_assign, message_close, message_forward_12345,
    message_merge, message_reply_approve, message_submit, message_transfer, personal_data_purge,
)
from .ratings import (  # noqa: F401
    AlreadyRated, rating_case_answer, rating_case_callback, rating_submit,
)
from .notify import overdue_notify  # noqa: F401
