"""The model and its machinery.

- :mod:`.model`: :class:`Segmentation`, the spec traits and the public API;
- :mod:`.scheduler`: one "latest request wins" worker per lane (fits, metrics, UMAP, panels);
- :mod:`.cache`, :mod:`.pipeline`: fits cached by spec; prepare -> (preview) -> fit -> measure;
- :mod:`.result`: the frozen :class:`Result` every view reads;
- :mod:`.persist`: the spec, save and load, the labelled rows.
"""

from ..core.palette import PALETTE, UNASSIGNED_COLOR, segment_color
from ..core.schema import MAX_NAME_LENGTH
from .model import Segmentation
from .pipeline import MAX_MAP_POINTS, map_positions
from .result import Result
from .scheduler import Job, Scheduler

__all__ = [
    "MAX_MAP_POINTS", "MAX_NAME_LENGTH", "PALETTE", "UNASSIGNED_COLOR", "Job", "Result", "Scheduler",
    "Segmentation", "map_positions", "segment_color",
]
