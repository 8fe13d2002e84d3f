"""Checks on untrusted SPARQL text, made before any SPARQL parser sees it.

Oxigraph's parser and evaluator recurse on nesting, and a query of a few kilobytes with thousands of
nested brackets takes the whole process down (DESIGN.md, "Known hazards"); with a remote store this
guard is the only thing between a client and the server's `SERVICE`. So the text is lexed here, by a
small scanner that knows SPARQL's strings, IRIs, comments, variables and prefixed names, and refused
when it is too long, nested too deep, not a query, or asks for the network.

A guard is only as good as its agreement with the parser it protects, and three places in SPARQL's
lexical grammar are where a scanner and Oxigraph's PEG parser can part ways; each is decided here the
way the parser decides it, or refused where the scanner cannot be sure:

- `<` opens an IRI, except right after an operand inside an expression, where it is less-than:
  `FILTER(1<2)SERVICE#>` is less-than, a keyword and a comment, not the IRI `<2)SERVICE#>`. Where
  both readings are possible, the IRI's text must read the same either way (no `#`, quote or bracket
  in it, which would open a comment, a string or a level), or the query is refused;
- keywords need no boundary: Oxigraph reads `trueSERVICE` as `true` then `SERVICE`, and
  `1.5e3SERVICE` as a number then `SERVICE`. So a bare word or a prefix that merely *contains* a
  forbidden keyword is refused; inside strings, IRIs, variables and local names it is just text;
- the first keyword must make the text a query (`SELECT`, `ASK`, `CONSTRUCT`, `DESCRIBE`), so that
  neither an update nor a server's private pragma (Virtuoso's `DEFINE`) reaches a remote store.

The query worker then parses for real, in a process kept off the network (`isolation.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from clustergraph.errors import QueryRefused, QuerySyntaxError, UpdateRefused
from clustergraph.queries import QueryForm
from clustergraph.store.syntax import may_have_relative_iris

# PN_LOCAL exactly as SPARQL defines it (a first character, then any run that does not end in '.'):
# a lexer that took `ex:.SERVICE` for one name while Oxigraph reads `ex:`, `.`, `SERVICE` is no guard.
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%]"
_PN_CHARS = r"\w\-\u00B7\u0300-\u036F\u203F\u2040:"
_PN_LOCAL = rf"(?:[\w:]|{_PLX})(?:(?:[{_PN_CHARS}.]|{_PLX})*(?:[{_PN_CHARS}]|{_PLX}))?"
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:PN_LOCAL)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>[^\sA-Za-z_:{}()\[\]<'"\#?$]+|.)
    """.replace("PN_LOCAL", _PN_LOCAL),
    re.VERBOSE | re.DOTALL,
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})
_OPERAND_KINDS = frozenset({"var", "iri", "pname", "string", "word", "close"})
_REREAD = frozenset("#'()[]")  # what an IRI's text must not hold where `<` may also be less-than
_XSD = "http://www.w3.org/2001/XMLSchema#"  # the only namespace of functions SPARQL itself defines by IRI
_CONSTRAINTS = frozenset({"FILTER", "BY", "ASC", "DESC", "HAVING"})  # after these, `iri (` is a call


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_depth: int


@dataclass(frozen=True)
class QueryInfo:
    """What the scanner learned: the query form, whether the text names its own dataset
    (FROM / FROM NAMED) and ends with a VALUES clause, the functions it calls by IRI that SPARQL
    does not define (a server's extensions, such as Virtuoso's `bif:`), as written, and where the
    text gives a string the datatype xsd:string (`"a"^^xsd:string`: the spans of `^^xsd:string`), and
    where the WHERE clause's group opens (just after its `{`; None for `CONSTRUCT WHERE { ... }`,
    whose group is its template too, and for a DESCRIBE without one), and the prefixes its prefixed
    names use (declared or not), and whether it may hold a relative IRI."""

    form: QueryForm
    has_dataset: bool
    has_trailing_values: bool
    extension_functions: tuple[str, ...] = ()
    string_datatypes: tuple[tuple[int, int], ...] = ()
    where_group: int | None = None
    prefixes_used: frozenset[str] = frozenset()
    relative_iris: bool = True  # `syntax.may_have_relative_iris`: only then is a base IRI worth passing


def inspect_query(text: str, limits: Limits) -> QueryInfo:
    """Refuse what must not run, or say what the query is; raises QueryRefused (UpdateRefused for
    an update) or QuerySyntaxError for text that is no query at all."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(f"the query is {size} bytes long; this service accepts at most {limits.max_bytes}")
    return _scan(text, limits.max_depth)


@lru_cache(maxsize=256)
def _scan(text: str, max_depth: int) -> QueryInfo:
    return _Scanner(text, max_depth).scan()


@dataclass
class _Bracket:
    char: str
    holds_data: bool  # a VALUES block or one of its rows: terms only, never an expression


class _Scanner:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.open: list[_Bracket] = []
        self.previous: tuple[str, str] | None = None  # kind and text of the last token read
        self.before_previous: tuple[str, str] | None = None
        self.first_keyword: str | None = None
        self.prefixes: dict[str, str] = {}
        self.extension_functions: list[str] = []
        self.string_datatypes: list[tuple[int, int]] = []
        self.prefixes_used: set[str] = set()
        self.previous_start = 0
        self.top_groups = 0  # groups opened at the top level: a CONSTRUCT template, then the WHERE clause's
        self.where_keyword = False  # WHERE seen at the top level
        self.short_construct = False  # CONSTRUCT WHERE { ... }
        self.where_group: int | None = None
        self.has_dataset = self.has_trailing_values = self.values_next = False

    def scan(self) -> QueryInfo:
        for match in _TOKEN.finditer(self.text):
            kind = match.lastgroup
            assert kind is not None
            if kind in ("space", "comment"):
                continue
            getattr(self, f"_{kind}", self._token)(match)
            self.before_previous, self.previous = self.previous, (kind, match.group())
            self.previous_start = match.start()
        return self._info()

    def _token(self, match: re.Match[str]) -> None:
        """Variables, strings and operators: nothing to learn or refuse in them."""

    def _iri(self, match: re.Match[str]) -> None:
        content = match.group()[1:-1]
        if _is_word(self.before_previous, "PREFIX") and self.previous and self.previous[0] == "pname":
            self.prefixes[self.previous[1].rstrip(":")] = content
        self._note_datatype(match)
        if self._less_than_possible() and (_REREAD & set(content) or _forbidden(content)):
            raise QueryRefused(
                f"'<' at {self._where(match.start())} may be read as less-than or as the start of the IRI "
                f"{match.group()[:60]}, and the two readings differ: put a space after '<' where it "
                "compares, or write the IRI with a prefixed name"
            )

    def _pname(self, match: re.Match[str]) -> None:
        prefix = match.group().partition(":")[0]
        self.prefixes_used.add(prefix)
        self._refuse(prefix, match.start())
        self._note_datatype(match)

    def _note_datatype(self, match: re.Match[str]) -> None:
        """`^^xsd:string` after a string: where it is, for servers that tell such a literal from the
        plain one RDF 1.1 says it is (Virtuoso)."""
        after_string = self.before_previous is not None and self.before_previous[0] == "string"
        if after_string and self.previous == ("other", "^^") and self._resolve(match.group()) == _XSD + "string":
            self.string_datatypes.append((self.previous_start, match.end()))

    def _word(self, match: re.Match[str]) -> None:
        word = match.group().upper()
        self._refuse(word, match.start())
        if self.first_keyword is None and word not in _PROLOGUE:
            self.first_keyword = word
        self.has_dataset = self.has_dataset or word == "FROM"
        self.where_keyword = self.where_keyword or (word == "WHERE" and not self.open)
        if word == "VALUES":
            self.values_next = True
            self.has_trailing_values = self.has_trailing_values or not any(b.char == "{" for b in self.open)

    def _open(self, match: re.Match[str]) -> None:
        char = match.group()
        if char == "{" and not self.open:
            self._note_group(match.end())
        if char == "(" and self._calls_a_function():
            self._note_function(self.previous[1] if self.previous else "")
        in_data = bool(self.open) and self.open[-1].holds_data
        self.open.append(_Bracket(char, in_data or self.values_next))
        self.values_next = self.values_next and char == "("  # VALUES (?a ?b) { ... }: the block is data too
        if len(self.open) > self.max_depth:
            raise QueryRefused(
                f"the query nests brackets deeper than {self.max_depth} levels (at {self._where(match.start())})"
            )

    def _note_group(self, after: int) -> None:
        """A group opened at the top level: the WHERE clause's is the first, or a CONSTRUCT's second
        (after its template), except in `CONSTRUCT WHERE { ... }`, where one group is both."""
        self.top_groups += 1
        if self.first_keyword != "CONSTRUCT":
            if self.top_groups == 1:
                self.where_group = after
        elif self.top_groups == 1:
            self.short_construct = self.where_keyword
        elif self.top_groups == 2 and not self.short_construct:
            self.where_group = after

    def _close(self, match: re.Match[str]) -> None:
        if self.open:
            self.open.pop()

    def _calls_a_function(self) -> bool:
        """Whether the `(` about to open is a call of the IRI before it, rather than a collection
        after a predicate (`?s ex:p (1 2)`), which only a triple pattern's brackets can hold."""
        if self.previous is None or self.previous[0] not in ("iri", "pname"):
            return False
        in_triples = bool(self.open) and self.open[-1].char in "{["
        after_constraint = any(_is_word(self.before_previous, word) for word in _CONSTRAINTS)
        return after_constraint or not in_triples

    def _note_function(self, name: str) -> None:
        if not self._resolve(name).startswith(_XSD):
            self.extension_functions.append(name)

    def _resolve(self, name: str) -> str:
        """The IRI an IRI or prefixed name stands for (`xsd:` is XSD's unless the query says otherwise)."""
        if name.startswith("<"):
            return name[1:-1]
        prefix, _, local = name.partition(":")
        return self.prefixes.get(prefix, _XSD if prefix == "xsd" else "") + local

    def _less_than_possible(self) -> bool:
        """Whether Oxigraph could read a `<` here as less-than: inside parentheses that may hold an
        expression, right after something that may end an operand."""
        if not self.open or self.open[-1].char != "(" or self.open[-1].holds_data or self.previous is None:
            return False
        kind, token = self.previous
        return kind in _OPERAND_KINDS or (kind == "other" and (token[-1].isalnum() or token[-1] == "."))

    def _refuse(self, name: str, offset: int) -> None:
        keyword = _forbidden(name)
        if keyword == "SERVICE":
            raise QueryRefused(
                "SERVICE (federated query) is not allowed here: this service fetches nothing from the network "
                f"(at {self._where(offset)})"
            )
        if keyword == "LOAD":
            raise UpdateRefused("this is a read-only service: LOAD (SPARQL Update) is not accepted")

    def _info(self) -> QueryInfo:
        keyword = self.first_keyword
        if keyword in _UPDATES:
            raise UpdateRefused("this is a read-only service: SPARQL Update is not accepted")
        if self.previous is None:
            raise QuerySyntaxError("the query is empty")
        if keyword is None:
            raise QuerySyntaxError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE")
        if keyword not in _FORMS:
            raise QuerySyntaxError(f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {keyword[:40]}")
        return QueryInfo(
            keyword,  # type: ignore[arg-type]
            self.has_dataset,
            self.has_trailing_values,
            tuple(dict.fromkeys(self.extension_functions)),
            tuple(self.string_datatypes),
            self.where_group,
            frozenset(self.prefixes_used),
            may_have_relative_iris(self.text),
        )

    def _where(self, offset: int) -> str:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return f"line {line}, column {column}"


def _is_word(token: tuple[str, str] | None, keyword: str) -> bool:
    return token is not None and token[0] == "word" and token[1].upper() == keyword


def _forbidden(text: str) -> str | None:
    """The network or update keyword that `text` holds anywhere, if any (keywords need no boundary)."""
    upper = text.upper()
    return next((keyword for keyword in ("SERVICE", "LOAD") if keyword in upper), None)
