"""A static check over our Python source: the literals a person reads must sit inside a
gettext call. Used by tests/test_translations_python.py; run as a script to list what is left."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "node_modules", "bench", "tests", "migrations", "locale", "static", "templates"}
# The API's own documentation (OpenAPI help texts), read by developers in English: its error
# ``detail`` texts come from services, and DRF translates its own by the request's language.
API_DOCUMENTATION = ("/api/", "_api.py", "/api.py", "schema.py", "accounts/filters.py")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
MARKUP = re.compile(r"<[^>]*>|\{[^}]*\}")
MESSAGE_LEVELS = {"success", "info", "warning", "error", "debug"}
# Keyword arguments whose value a person reads, whatever the call.
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
# Class-body names whose value a person reads (Meta, admin list filters, admin actions).
SHOWN_CLASS_NAMES = {"verbose_name", "verbose_name_plural", "title"}
# householdsvc.core.errors: their ``detail`` and field messages reach a person (a flash message,
# a form error, the API's ``detail``); subclasses defined elsewhere are found by error_classes().
ERROR_CLASSES = {
    "ServiceError",
    "ValidationFailed",
    "NotAllowed",
    "NotFound",
    "Conflict",
    "InvalidTransition",
}
# The dicts services gather field messages in before raising ValidationFailed(errors=...).
ERROR_BAGS = {"errors", "problems"}


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def is_marked(node) -> bool:
    """A gettext call, or a value built from one (``_("..%(x)s") % {...}``, ``_("{x}").format()``)."""
    if isinstance(node, ast.Call):
        if _name(node.func) == "format_lazy":
            return bool(node.args) and is_marked(node.args[0])
        if _name(node.func) in GETTEXT:
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return is_marked(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return is_marked(node.left)
    return False


def has_words(text: str) -> bool:
    """Letters outside HTML tags and {} placeholders: ``'<a href="{}">#{}</a>'`` has none."""
    return any(ch.isalpha() for ch in MARKUP.sub("", text))


def is_literal_text(node) -> bool:
    """A string literal with words in it, an f-string, or a literal formatted with % or .format()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and has_words(part.value) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return is_literal_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return is_literal_text(node.func.value)
    return False


def unmarked(node) -> bool:
    return is_literal_text(node) and not is_marked(node)


def error_classes(trees) -> set[str]:
    """ERROR_CLASSES and every class defined (in ``trees``) on one of them, to a fixed point."""
    found, classes = (
        set(ERROR_CLASSES),
        [n for t in trees for n in ast.walk(t) if isinstance(n, ast.ClassDef)],
    )
    while new := {c.name for c in classes if c.name not in found and {_name(b) for b in c.bases} & found}:
        found |= new
    return found


def unmarked_messages(value) -> list:
    """The literal messages of ``["..."]``, ``{"field": ["..."]}`` or ``{f: ["..."] for f in x}``."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return [element for element in value.elts if unmarked(element)]
    if isinstance(value, ast.Dict):
        return [message for item in value.values for message in unmarked_messages(item)]
    if isinstance(value, ast.DictComp):
        return unmarked_messages(value.value)
    return []


class Checker(ast.NodeVisitor):
    def __init__(self, path: str, errors: set[str] = frozenset(ERROR_CLASSES)):
        self.path = path
        self.errors = errors
        self.problems: list[str] = []
        self.classes: list[ast.ClassDef] = []

    def report(self, node, what: str) -> None:
        self.problems.append(f"{self.path}:{node.lineno}: {what}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {_name(base) for base in node.bases}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = _name(statement.targets[0]), statement.value
                filter_title = target != "title" or bases & {"SimpleListFilter", "ListFilter"}
                if target in SHOWN_CLASS_NAMES and unmarked(value) and filter_title:
                    self.report(statement, f"{target} = literal")
                if target in {"error_messages", "default_error_messages"} and isinstance(value, ast.Dict):
                    for message in value.values:
                        if unmarked(message):
                            self.report(message, f"{target} literal")
                if target == "fieldsets" and isinstance(value, (ast.Tuple, ast.List)):
                    for fieldset in value.elts:
                        if isinstance(fieldset, ast.Tuple) and fieldset.elts and unmarked(fieldset.elts[0]):
                            self.report(fieldset, "fieldset title literal")
                choices = bases & {"TextChoices", "IntegerChoices", "Choices"}
                labelled = isinstance(value, ast.Tuple) and len(value.elts) >= 2
                if choices and labelled and unmarked(value.elts[-1]):
                    self.report(statement, f"choice label of {target}")
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node) -> None:
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and _name(decorator.func) in {"display", "action"}:
                for keyword in decorator.keywords:
                    if keyword.arg == "description" and unmarked(keyword.value):
                        self.report(decorator, f"@admin.{_name(decorator.func)}(description=literal)")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and _name(target.value) in ERROR_BAGS:
                for message in unmarked_messages(node.value):
                    self.report(message, f"{_name(target.value)}[...] = [literal]")
            if _name(target) == "short_description" and unmarked(node.value):
                self.report(node, "short_description = literal")
            shown = isinstance(target, ast.Attribute) and target.attr in SHOWN_KEYWORDS
            if shown and unmarked(node.value) and not self._api_documentation():
                self.report(node, f".{target.attr} = literal")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if isinstance(node.func, ast.Attribute) and _name(node.func.value) == "messages":
            if name in MESSAGE_LEVELS and len(node.args) >= 2 and unmarked(node.args[1]):
                self.report(node, f"messages.{name}(request, literal)")
            if name == "add_message" and len(node.args) >= 3 and unmarked(node.args[2]):
                self.report(node, "messages.add_message(request, level, literal)")
        if name == "add_error" and len(node.args) >= 2 and unmarked(node.args[1]):
            self.report(node.args[1], "form.add_error(field, literal)")
        if name == "send_mail" and node.args and unmarked(node.args[0]):
            self.report(node.args[0], "send_mail(subject literal)")
        if name == "message_user" and len(node.args) >= 2 and unmarked(node.args[1]):
            self.report(node, "message_user(request, literal)")
        if name == "format_html" and node.args and unmarked(node.args[0]) and self._in_admin():
            self.report(node, "format_html(literal) in the admin")
        # The success message of a web action (requests_app.views.common.perform and friends).
        position = {"perform": 2, "_slot_write": 2, "_professional_action": 1, "_customer_action": 1}.get(
            name
        )
        if position is not None and len(node.args) > position and unmarked(node.args[position]):
            self.report(node.args[position], f"{name}(..., success literal)")
        for keyword in node.keywords:
            if keyword.arg == "success" and unmarked(keyword.value):
                self.report(keyword.value, "success=literal")
            if keyword.arg in SHOWN_KEYWORDS and unmarked(keyword.value) and not self._api_documentation():
                self.report(keyword.value, f"{keyword.arg}=literal")
            if keyword.arg == "subject" and unmarked(keyword.value):
                self.report(keyword.value, f"{name}(subject=literal)")
            if keyword.arg in {"title", "body"} and name in {"notify", "_notify"} and unmarked(keyword.value):
                self.report(keyword.value, f"{name}({keyword.arg}=literal)")
        if name in self.errors:
            if node.args and unmarked(node.args[0]):
                self.report(node.args[0], f"{name}(literal detail)")
            for keyword in node.keywords:
                for message in unmarked_messages(keyword.value) if keyword.arg == "errors" else []:
                    self.report(message, f"{name}(errors={{...: [literal]}})")
        if isinstance(node.func, ast.Attribute) and name in {"append", "setdefault"}:
            owner = node.func.value
            if isinstance(owner, ast.Call) and _name(owner.func) == "setdefault":
                owner = owner.func.value
            if _name(owner) in ERROR_BAGS:
                if name == "append" and node.args and unmarked(node.args[0]):
                    self.report(node.args[0], f"{_name(owner)}.append(literal)")
                for message in (
                    unmarked_messages(node.args[1]) if name == "setdefault" and len(node.args) > 1 else []
                ):
                    self.report(message, f"{_name(owner)}.setdefault(field, [literal])")
        if name == "ValidationError" and node.args and unmarked(node.args[0]) and self._in_forms():
            self.report(node, "ValidationError(literal) on a web form")
        self.generic_visit(node)

    def _in_admin(self) -> bool:
        return "admin" in self.path.rsplit("/", 1)[-1]

    def _api_documentation(self) -> bool:
        return ("/" + self.path).endswith(API_DOCUMENTATION) or "/api/" in "/" + self.path

    def _in_forms(self) -> bool:
        """Django's ValidationError outside the API: a form's, a model's or a field's."""
        return not self._api_documentation()


def problems_in(source: str, path: str = "<source>", errors: set[str] | None = None) -> list[str]:
    tree = ast.parse(source)
    checker = Checker(path, errors if errors is not None else error_classes([tree]))
    checker.visit(tree)
    return checker.problems


def our_python_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIPPED_DIRS:
            yield path


def problems_everywhere() -> list[str]:
    sources = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in our_python_files()}
    errors = error_classes(ast.parse(source) for source in sources.values())
    found = []
    for path, source in sources.items():
        found += problems_in(source, path, errors)
    return found


if __name__ == "__main__":
    print("\n".join(problems_everywhere()))
