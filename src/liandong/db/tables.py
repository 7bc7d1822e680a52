"""Import every domain's tables so Base.metadata is complete (Alembic, tests)."""

from liandong.account import models as account_models  # noqa: F401
from liandong.audit import models as audit_models  # noqa: F401
from liandong.catalog import models as catalog_models  # noqa: F401
from liandong.citizen import models as citizen_models  # noqa: F401
from liandong.core import (
    outbox,  # noqa: F401
    taskruns,  # noqa: F401
)
from liandong.grid import models as grid_models  # noqa: F401
from liandong.knowledge import models as knowledge_models  # noqa: F401
from liandong.linkage import models as linkage_models  # noqa: F401
from liandong.notify import models as notify_models  # noqa: F401
from liandong.open311 import models as open311_models  # noqa: F401
from liandong.report import models as report_models  # noqa: F401
from liandong.workorder import models as workorder_models  # noqa: F401
from liandong.workorder import nuisance as nuisance_models  # noqa: F401
