"""The Datasette plugin of the site: Chinese full-text search, and labelled foreign keys on row pages.

`cnbef site build` copies this file into <out>/plugins/ and `cnbef site serve` passes --plugins-dir; it
imports only Datasette, so `datasette publish … --plugins-dir <out>/plugins` carries it to a host without cnbef.

Search. FTS5's unicode61 tokenizer makes a whole run of Chinese characters one token, so 增加值 would only
match a cell holding exactly 增加值; the trigram tokenizer matches no query under three characters (税收).
So the site's FTS tables hold their text with a space around each Chinese character (a token per character),
and escape_fts, which Datasette applies to every ?_search=, spaces the query the same way: a query becomes
a phrase of characters, which finds it as a substring at any length.

Labels. Datasette 0.65 expands foreign keys to their label on table pages only; a row page shows the code.
"""
import re

from datasette import hookimpl
from datasette.utils import escape_fts, tilde_encode
from markupsafe import Markup

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_foreign_keys = {}  # (database, table) -> {column: foreign key}; the site's database does not change while served


def spaced(text: str) -> str:
    """Each Chinese character a word of its own, for the unicode61 tokenizer."""
    return HAN.sub(r" \g<0> ", text)


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, whose escape_fts this replaces
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, lambda query: spaced(escape_fts(query)))


@hookimpl
def render_cell(value, column, table, database, datasette):
    # A table page hands over a foreign key already expanded ({"value", "label"}); a row page the bare code.
    if table is None or value is None or isinstance(value, dict):
        return None

    async def labelled():
        if (database, table) not in _foreign_keys:
            found = await datasette.get_database(database).foreign_keys_for_table(table)
            _foreign_keys[database, table] = {fk["column"]: fk for fk in found}
        fk = _foreign_keys[database, table].get(column)
        if fk is None:
            return None
        label = (await datasette.expand_foreign_keys(database, table, column, [value])).get((column, value), value)
        href = datasette.urls.row(database, fk["other_table"], tilde_encode(str(value)))
        if str(label) == str(value):
            return Markup('<a href="{}">{}</a>').format(href, value)
        return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, label, value)

    return labelled
