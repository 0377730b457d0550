"""JSONPath, payload templates and intrinsic functions: the only home of jsonpath-ng.

* :func:`compile_path`: a JSONPath in AWS's (Jayway) syntax, ``$``, ``$$`` or ``$name``;
* :func:`compile_result_path`: ResultPath, which places a result into the raw input;
* :func:`compile_template`: a payload template (``"key.$"`` members);
* :func:`compile_intrinsic`: an intrinsic function call (``States.Format(...)``).

Everything compiles once and raises :class:`PathSyntaxError`; evaluation raises
:class:`PathNotFound` (or :class:`FieldPathNotFound` from a template) when a single-value
path matches nothing, and the executor words the ASL error.
"""

from ._base import Evaluable as Evaluable
from ._base import PathNotFound as PathNotFound
from ._base import PathSyntaxError as PathSyntaxError
from ._base import Scope as Scope
from ._intrinsics import IntrinsicCall as IntrinsicCall
from ._intrinsics import compile_intrinsic as compile_intrinsic
from ._jsonpath import JsonPath as JsonPath
from ._jsonpath import compile_path as compile_path
from ._resultpath import ResultPath as ResultPath
from ._resultpath import compile_result_path as compile_result_path
from ._template import FieldPathNotFound as FieldPathNotFound
from ._template import Template as Template
from ._template import TemplateSyntaxError as TemplateSyntaxError
from ._template import compile_template as compile_template

__all__ = [
    "Evaluable",
    "FieldPathNotFound",
    "IntrinsicCall",
    "JsonPath",
    "PathNotFound",
    "PathSyntaxError",
    "ResultPath",
    "Scope",
    "Template",
    "TemplateSyntaxError",
    "compile_intrinsic",
    "compile_path",
    "compile_result_path",
    "compile_template",
]
