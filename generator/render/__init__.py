"""Rendering validated declarations: template contexts, the Jinja templates, the layout grid
drawn as DOCX and XLSX, and reproducible Office packages."""
