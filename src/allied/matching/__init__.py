"""Pure matching engine (no Django): is this company record the same company as that one?

Used by deal-registration conflict checks, the ``allied match accounts`` command and (later)
account mapping at scale. The pipeline is the same everywhere:

1. ``prepare(Record)`` normalises a record once (``normalize``: names, registered domains, countries);
2. ``blocking_keys`` gives a few short keys per record so candidates meet without comparing all
   pairs (stored in a table by the deal app, joined on by batch jobs, held in ``MatchIndex`` here);
3. ``compare`` scores a candidate pair 0..1 with a reason in words (``SAME_COMPANY``, ``POSSIBLE``).

``map_accounts`` (``mapping``) runs the same pipeline over two whole lists at once, with hashed
joins in numpy and two worker processes: a million accounts against a million.
"""

from .batch import match_records
from .countries import country_code
from .csvfile import AccountCsvError, read_accounts_csv
from .index import MatchIndex
from .keys import KEY_VERSION, blocking_keys, query_keys
from .mapping import Pair, map_accounts
from .normalize import is_free_mail_domain, name_tokens, normalize_company_name, normalize_domain
from .records import Prepared, Record, prepare
from .score import POSSIBLE, SAME_COMPANY, Match, compare

__all__ = [
    "KEY_VERSION",
    "POSSIBLE",
    "SAME_COMPANY",
    "AccountCsvError",
    "Match",
    "MatchIndex",
    "Pair",
    "Prepared",
    "Record",
    "blocking_keys",
    "compare",
    "country_code",
    "is_free_mail_domain",
    "map_accounts",
    "match_records",
    "name_tokens",
    "normalize_company_name",
    "normalize_domain",
    "prepare",
    "query_keys",
    "read_accounts_csv",
]
