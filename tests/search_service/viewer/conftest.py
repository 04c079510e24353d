"""A clerk and an archivist of 城东供电所 signed in to each viewer module's own ``app``."""

from __future__ import annotations

import pytest

from tests.search_service.conftest import signed_in

UNIT = "城东供电所"


@pytest.fixture(scope="module")
def clerk(app):  # noqa: ANN001 - each module's own app
    return signed_in(app, "clerk_east", "clerk", UNIT)


@pytest.fixture(scope="module")
def archivist(app):  # noqa: ANN001
    return signed_in(app, "archivist_east", "archivist", UNIT)
