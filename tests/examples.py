"""How many examples a property test draws: its own figure, scaled by the environment's
``HYPOTHESIS_EXAMPLES_SCALE`` (CI draws half on each database; see .ci/run)."""

import os

SCALE = float(os.environ.get("HYPOTHESIS_EXAMPLES_SCALE", "1"))


def examples(wanted):
    return max(1, round(wanted * SCALE))
