"""Import every domain's tables so Base.metadata is complete (Alembic, tests)."""

from liandong.account import models as account_models  # noqa: F401
from liandong.audit import models as audit_models  # noqa: F401
from liandong.catalog import models as catalog_models  # noqa: F401
from liandong.core import (
    outbox,  # noqa: F401
    taskruns,  # noqa: F401
)
from liandong.knowledge import models as knowledge_models  # noqa: F401
from liandong.linkage import models as linkage_models  # noqa: F401
from liandong.report import models as report_models  # noqa: F401
from liandong.workorder import models as workorder_models  # noqa: F401
from liandong.workorder import nuisance as nuisance_models  # noqa: F401
