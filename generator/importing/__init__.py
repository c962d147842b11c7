"""`import`: filled-in forms (XLSX, DOCX, tab-separated text) read into declarations."""
