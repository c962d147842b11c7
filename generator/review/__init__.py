"""Reviewing declarations: `diff` (files, year folders, git revisions), `trend` over years and
`lint` (what a finance reviewer flags)."""
