"""Checks a Python snippet against a generated Python SDK without importing
it (the pulumi package is not installable here): every `import` of the SDK
names its package, and every call through it (alias.module.Name(...) and
alias.module.function(...)) names a class or function the SDK defines, with
keyword arguments its signature has; attributes read from a constructed
resource are properties of its class.

usage: check_readme_python.py SDK_DIR SNIPPET_FILE
"""
import ast
import os
import sys

sdk, snippet = sys.argv[1], sys.argv[2]
tree = ast.parse(open(snippet).read(), snippet)
problems = []
aliases = {}
for node in ast.walk(tree):
    if isinstance(node, ast.Import):
        for a in node.names:
            if not os.path.isdir(os.path.join(sdk, a.name)):
                problems.append(f"line {node.lineno}: no package {a.name} in the SDK")
            aliases[a.asname or a.name] = a.name


def definitions(package_dir):
    """Top-level classes and functions of a package directory, by name."""
    found = {}
    for f in sorted(os.listdir(package_dir)):
        if f.endswith(".py"):
            mod = ast.parse(open(os.path.join(package_dir, f)).read())
            for d in mod.body:
                if isinstance(d, (ast.ClassDef, ast.FunctionDef)):
                    found.setdefault(d.name, d)
    return found


def parameters(defn):
    """Keyword parameter names of a function, or of a class's __init__s."""
    funcs = [defn] if isinstance(defn, ast.FunctionDef) else [
        d for d in defn.body if isinstance(d, ast.FunctionDef) and d.name == "__init__"]
    names = set()
    for f in funcs:
        names |= {a.arg for a in f.args.args + f.args.kwonlyargs}
    return names


def resolve(expr):
    """alias.module.Name -> the definition, or None when not through the SDK."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.insert(0, expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or expr.id not in aliases or len(parts) < 2:
        return None, None
    path = os.path.join(sdk, aliases[expr.id], *parts[:-1])
    name = ".".join(parts)
    if not os.path.isdir(path):
        return name, False
    return name, definitions(path).get(parts[-1], False)


resources = {}  # variable -> class definition
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        name, defn = resolve(node.func)
        if name is None:
            continue
        if defn is False:
            problems.append(f"line {node.lineno}: the SDK defines no {name}")
            continue
        params = parameters(defn)
        for kw in node.keywords:
            if kw.arg not in params:
                problems.append(f"line {node.lineno}: {name} has no argument {kw.arg}")
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        name, defn = resolve(node.value.func)
        if isinstance(defn, ast.ClassDef):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    resources[t.id] = defn
for node in ast.walk(tree):
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in resources:
        cls = resources[node.value.id]
        if not any(isinstance(d, ast.FunctionDef) and d.name == node.attr for d in cls.body):
            problems.append(f"line {node.lineno}: {cls.name} has no property {node.attr}")
if not aliases:
    problems.append("the snippet imports no package")
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
