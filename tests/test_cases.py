"""The case tables of the entity extractors (tests/cases/*.tsv), one parametrised test each.

Every row is a sentence of a real document (a gold corpus file or one of ../shared/corpus-wild)
with the names that must be found and those that must not; every bug fixed adds a row.
"""

from __future__ import annotations

import pytest

from entity_cases import Case, case_params, check


@pytest.mark.parametrize("case", case_params("projects"))
def test_projects(case: Case) -> None:
    check(case, "projects")


@pytest.mark.parametrize("case", case_params("parks"))
def test_parks(case: Case) -> None:
    check(case, "parks")


@pytest.mark.parametrize("case", case_params("industries"))
def test_industries(case: Case) -> None:
    check(case, "industries")


@pytest.mark.parametrize("case", case_params("places"))
def test_places(case: Case) -> None:
    check(case, "places")
