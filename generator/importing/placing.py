"""Where `import --into DIR` writes a form (docs/format.md, "A department and its projects").

- A 整体 form: DIR/<部门名称>.yaml (file_stem in importing/forms.py makes the name one `check`
  accepts).
- A project form (项目): in its department's folder, DIR/<部门文件名>/<项目名称>.yaml, where
  <部门文件名> is the file name of the department's 整体 form: one in DIR whose 部门名称 is
  the project's 主管部门 (申报单位名称), compared as `check` compares them (E242), or one
  this run writes there. DIR may also be that department's folder itself (beside the
  department's 整体 form): the project goes into it.
- A project whose department has no 整体 form in DIR goes into DIR/<主管部门>/ all the same,
  the folder its 整体 form gets when it is imported later, with a warning (W613) saying where
  the 整体 form must go (until then `check` reports E241). One whose department has two 整体
  forms there (E231) is refused: which folder is a choice for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.declaration.load import same_name
from generator.declaration.model import Declaration
from generator.declaration.places import PROJECT
from generator.declaration.sources import UsageError, is_declaration_name, read_checked
from generator.declaration.summary import display_name
from generator.errors import Diagnostic, Location


@dataclass(frozen=True)
class Place:
    """Where a form goes (`target`), with a warning about it, or why it cannot go anywhere."""

    target: Path | None
    warning: Diagnostic | None = None
    refused: str = ""


@dataclass
class Folder:
    """The 整体 forms of the folder DIR, by department (compared as names are), as they are on
    disk and as this run writes them."""

    path: Path
    stem: Callable[[str], str]  # a name made a file name
    wholes: dict[str, list[Path]] = field(default_factory=dict)
    read: bool = False

    def add(self, decl: Declaration, target: Path) -> None:
        """A 整体 form this run writes to `target`."""
        self.load()
        for name in _names(decl):
            found = self.wholes.setdefault(name, [])
            if target not in found:
                found.append(target)

    def load(self) -> None:
        """The 整体 forms in the folder, read once (an unreadable file is not one)."""
        if self.read:
            return
        self.read = True
        if not self.path.is_dir():
            return
        for entry in sorted(self.path.iterdir()):
            decl = _declaration(entry)
            if decl is not None and decl.kind.category != PROJECT and decl.department:
                for name in _names(decl):
                    self.wholes.setdefault(name, []).append(entry)

    def place(self, decl: Declaration, source: str, name: str) -> Place:
        """Where project `decl` (imported from `source`) goes, as file `name`.yaml."""
        department = decl.department
        own = _department_of_folder(self.path)
        if own is not None and same_name(department) in own:
            return Place(self.path / f"{name}.yaml")
        self.load()
        found = self.wholes.get(same_name(department), []) if department else []
        if len(found) > 1:
            listed = "、".join(str(path) for path in found)
            return Place(
                None,
                refused=(
                    f"未写入，{self.path} 中有 {len(found)} 份{self._whose(decl)}的整体表："
                    f"{listed}（check 报告 E231）；合并为一份，或用 -o 指定项目表写到哪里"
                ),
            )
        if found:
            folder = self.path / _stem(found[0])
            return Place(folder / f"{name}.yaml")
        folder_name = self.stem(department) if department else ""
        target = self.path / folder_name / f"{name}.yaml" if folder_name else None
        if target is None:
            target = self.path / f"{name}.yaml"
            message = f"项目表没有写{self._role(decl)}：写在 {target}"
            hint = "补上所属部门后移到该部门的文件夹中，否则 check 报告 E240"
        else:
            message = f"{self.path} 中没有{self._whose(decl)}的整体表：项目表写在 {target}"
            whole = self.path / f"{folder_name}.yaml"
            hint = f"把该部门的整体表放在 {whole}（可用 import 导入），否则 check 报告 E241"
        return Place(target, Diagnostic(Location(source, 1, 1), "W613", message, hint))

    @staticmethod
    def _role(decl: Declaration) -> str:
        path = decl.kind.role_path("department")
        return path.rsplit(".", 1)[-1] if path else "所属部门"

    def _whose(self, decl: Declaration) -> str:
        return f"{self._role(decl)}“{decl.department}”"


def _declaration(path: Path) -> Declaration | None:
    if not path.is_file() or not is_declaration_name(path.name):
        return None
    try:
        return read_checked(path).declaration
    except UsageError:
        return None


def _names(whole: Declaration) -> set[str]:
    """What a project may call the department of 整体 form `whole`, compared as names are: its
    部门名称, or that name as the form prints it (“…办公室(汇总)”)."""
    return {same_name(whole.department), same_name(display_name(whole))}


def _department_of_folder(folder: Path) -> set[str] | None:
    """The names of the department whose folder `folder` is (see _names): of the 整体 form
    beside it named like it (`edu/` beside `edu.yaml`), or None."""
    parent = folder.parent
    if not parent.is_dir():
        return None
    for entry in sorted(parent.iterdir()):
        if _stem(entry) == folder.name:
            decl = _declaration(entry)
            if decl is not None and decl.kind.category != PROJECT:
                return _names(decl)
    return None


def _stem(path: Path) -> str:
    """A declaration's file name without its suffix (x.yaml, x.YML → x)."""
    return path.name.rstrip(". ").rsplit(".", 1)[0]
