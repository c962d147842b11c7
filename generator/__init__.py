"""Declaration pipeline for 部门（单位）整体支出绩效目标申报表: YAML → validated model → forms."""

__version__ = "0.1.0"
