"""Helping authors: canonical YAML (`fmt`, and `import`'s writer), the JSON Schema for editors,
`new-year`, and the HTML `preview`."""
