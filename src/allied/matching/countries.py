"""ISO 3166-1 countries: ``country_code("Deutschland") -> "DE"`` without any network or extra dependency.

A small hand-kept table (alpha-2, alpha-3, English short name) plus the aliases CRM exports really
contain ("USA", "UK", "Great Britain", "Deutschland", "Schweiz" ...). We keep our own table rather
than depending on pycountry: matching needs only code and name look-ups, the table is 250 lines,
and it never changes at run time.
"""

import unicodedata

# alpha-2, alpha-3, English short name: one country a line.
_ISO = """
AD AND Andorra
AE ARE United Arab Emirates
AF AFG Afghanistan
AG ATG Antigua and Barbuda
AI AIA Anguilla
AL ALB Albania
AM ARM Armenia
AO AGO Angola
AQ ATA Antarctica
AR ARG Argentina
AS ASM American Samoa
AT AUT Austria
AU AUS Australia
AW ABW Aruba
AX ALA Aland Islands
AZ AZE Azerbaijan
BA BIH Bosnia and Herzegovina
BB BRB Barbados
BD BGD Bangladesh
BE BEL Belgium
BF BFA Burkina Faso
BG BGR Bulgaria
BH BHR Bahrain
BI BDI Burundi
BJ BEN Benin
BL BLM Saint Barthelemy
BM BMU Bermuda
BN BRN Brunei Darussalam
BO BOL Bolivia
BQ BES Bonaire, Sint Eustatius and Saba
BR BRA Brazil
BS BHS Bahamas
BT BTN Bhutan
BV BVT Bouvet Island
BW BWA Botswana
BY BLR Belarus
BZ BLZ Belize
CA CAN Canada
CC CCK Cocos (Keeling) Islands
CD COD Congo, Democratic Republic of the
CF CAF Central African Republic
CG COG Congo
CH CHE Switzerland
CI CIV Cote d'Ivoire
CK COK Cook Islands
CL CHL Chile
CM CMR Cameroon
CN CHN China
CO COL Colombia
CR CRI Costa Rica
CU CUB Cuba
CV CPV Cabo Verde
CW CUW Curacao
CX CXR Christmas Island
CY CYP Cyprus
CZ CZE Czechia
DE DEU Germany
DJ DJI Djibouti
DK DNK Denmark
DM DMA Dominica
DO DOM Dominican Republic
DZ DZA Algeria
EC ECU Ecuador
EE EST Estonia
EG EGY Egypt
EH ESH Western Sahara
ER ERI Eritrea
ES ESP Spain
ET ETH Ethiopia
FI FIN Finland
FJ FJI Fiji
FK FLK Falkland Islands
FM FSM Micronesia
FO FRO Faroe Islands
FR FRA France
GA GAB Gabon
GB GBR United Kingdom
GD GRD Grenada
GE GEO Georgia
GF GUF French Guiana
GG GGY Guernsey
GH GHA Ghana
GI GIB Gibraltar
GL GRL Greenland
GM GMB Gambia
GN GIN Guinea
GP GLP Guadeloupe
GQ GNQ Equatorial Guinea
GR GRC Greece
GS SGS South Georgia and the South Sandwich Islands
GT GTM Guatemala
GU GUM Guam
GW GNB Guinea-Bissau
GY GUY Guyana
HK HKG Hong Kong
HM HMD Heard Island and McDonald Islands
HN HND Honduras
HR HRV Croatia
HT HTI Haiti
HU HUN Hungary
ID IDN Indonesia
IE IRL Ireland
IL ISR Israel
IM IMN Isle of Man
IN IND India
IO IOT British Indian Ocean Territory
IQ IRQ Iraq
IR IRN Iran
IS ISL Iceland
IT ITA Italy
JE JEY Jersey
JM JAM Jamaica
JO JOR Jordan
JP JPN Japan
KE KEN Kenya
KG KGZ Kyrgyzstan
KH KHM Cambodia
KI KIR Kiribati
KM COM Comoros
KN KNA Saint Kitts and Nevis
KP PRK North Korea
KR KOR South Korea
KW KWT Kuwait
KY CYM Cayman Islands
KZ KAZ Kazakhstan
LA LAO Laos
LB LBN Lebanon
LC LCA Saint Lucia
LI LIE Liechtenstein
LK LKA Sri Lanka
LR LBR Liberia
LS LSO Lesotho
LT LTU Lithuania
LU LUX Luxembourg
LV LVA Latvia
LY LBY Libya
MA MAR Morocco
MC MCO Monaco
MD MDA Moldova
ME MNE Montenegro
MF MAF Saint Martin (French part)
MG MDG Madagascar
MH MHL Marshall Islands
MK MKD North Macedonia
ML MLI Mali
MM MMR Myanmar
MN MNG Mongolia
MO MAC Macao
MP MNP Northern Mariana Islands
MQ MTQ Martinique
MR MRT Mauritania
MS MSR Montserrat
MT MLT Malta
MU MUS Mauritius
MV MDV Maldives
MW MWI Malawi
MX MEX Mexico
MY MYS Malaysia
MZ MOZ Mozambique
NA NAM Namibia
NC NCL New Caledonia
NE NER Niger
NF NFK Norfolk Island
NG NGA Nigeria
NI NIC Nicaragua
NL NLD Netherlands
NO NOR Norway
NP NPL Nepal
NR NRU Nauru
NU NIU Niue
NZ NZL New Zealand
OM OMN Oman
PA PAN Panama
PE PER Peru
PF PYF French Polynesia
PG PNG Papua New Guinea
PH PHL Philippines
PK PAK Pakistan
PL POL Poland
PM SPM Saint Pierre and Miquelon
PN PCN Pitcairn
PR PRI Puerto Rico
PS PSE Palestine
PT PRT Portugal
PW PLW Palau
PY PRY Paraguay
QA QAT Qatar
RE REU Reunion
RO ROU Romania
RS SRB Serbia
RU RUS Russia
RW RWA Rwanda
SA SAU Saudi Arabia
SB SLB Solomon Islands
SC SYC Seychelles
SD SDN Sudan
SE SWE Sweden
SG SGP Singapore
SH SHN Saint Helena, Ascension and Tristan da Cunha
SI SVN Slovenia
SJ SJM Svalbard and Jan Mayen
SK SVK Slovakia
SL SLE Sierra Leone
SM SMR San Marino
SN SEN Senegal
SO SOM Somalia
SR SUR Suriname
SS SSD South Sudan
ST STP Sao Tome and Principe
SV SLV El Salvador
SX SXM Sint Maarten (Dutch part)
SY SYR Syria
SZ SWZ Eswatini
TC TCA Turks and Caicos Islands
TD TCD Chad
TF ATF French Southern Territories
TG TGO Togo
TH THA Thailand
TJ TJK Tajikistan
TK TKL Tokelau
TL TLS Timor-Leste
TM TKM Turkmenistan
TN TUN Tunisia
TO TON Tonga
TR TUR Turkey
TT TTO Trinidad and Tobago
TV TUV Tuvalu
TW TWN Taiwan
TZ TZA Tanzania
UA UKR Ukraine
UG UGA Uganda
UM UMI United States Minor Outlying Islands
US USA United States
UY URY Uruguay
UZ UZB Uzbekistan
VA VAT Holy See
VC VCT Saint Vincent and the Grenadines
VE VEN Venezuela
VG VGB Virgin Islands (British)
VI VIR Virgin Islands (U.S.)
VN VNM Viet Nam
VU VUT Vanuatu
WF WLF Wallis and Futuna
WS WSM Samoa
XK XKX Kosovo
YE YEM Yemen
YT MYT Mayotte
ZA ZAF South Africa
ZM ZMB Zambia
ZW ZWE Zimbabwe
"""

# Other spellings seen in CRM exports (English long/short forms and a few local names), casefolded.
_ALIASES = {
    "united states of america": "US", "u.s.a.": "US", "u.s.": "US", "us of a": "US", "america": "US",
    "the united states": "US", "united states (us)": "US",
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom of great britain and northern ireland": "GB",
    "deutschland": "DE", "federal republic of germany": "DE", "allemagne": "DE",
    "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "espana": "ES", "italia": "IT",
    "nederland": "NL", "the netherlands": "NL", "holland": "NL", "belgique": "BE", "belgie": "BE",
    "sverige": "SE", "norge": "NO", "danmark": "DK", "suomi": "FI", "polska": "PL", "brasil": "BR",
    "mexico": "MX", "nippon": "JP", "republic of korea": "KR", "korea": "KR",
    "korea, republic of": "KR", "korea (south)": "KR", "korea, democratic people's republic of": "KP",
    "russian federation": "RU", "czech republic": "CZ", "vietnam": "VN", "turkiye": "TR",
    "republic of ireland": "IE", "eire": "IE", "uae": "AE", "u.a.e.": "AE", "hong kong sar": "HK",
    "hong kong sar china": "HK", "macau": "MO", "taiwan, province of china": "TW", "republic of china": "TW",
    "people's republic of china": "CN", "prc": "CN", "ivory coast": "CI", "cape verde": "CV",
    "swaziland": "SZ", "macedonia": "MK", "burma": "MM", "east timor": "TL", "vatican": "VA",
    "vatican city": "VA", "the bahamas": "BS", "the gambia": "GM", "democratic republic of the congo": "CD",
    "dr congo": "CD", "drc": "CD", "republic of the congo": "CG", "bolivia, plurinational state of": "BO",
    "venezuela, bolivarian republic of": "VE", "iran, islamic republic of": "IR", "syrian arab republic": "SY",
    "lao people's democratic republic": "LA", "moldova, republic of": "MD", "tanzania, united republic of": "TZ",
    "micronesia, federated states of": "FM", "palestine, state of": "PS", "brunei": "BN",
    "south korea (republic of korea)": "KR", "aland": "AX", "curacao": "CW", "reunion": "RE",
    "saint martin": "MF", "sint maarten": "SX", "british virgin islands": "VG", "us virgin islands": "VI",
    "u.s. virgin islands": "VI",
}

COUNTRIES: dict[str, tuple[str, str]] = {}  # alpha-2 -> (alpha-3, name)
_LOOKUP: dict[str, str] = {}


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKD", value.replace("\u2019", "'")).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


for _line in _ISO.strip().splitlines():
    _a2, _a3, _name = _line.split(" ", 2)
    COUNTRIES[_a2] = (_a3, _name)
    _LOOKUP[_a2.casefold()] = _a2
    _LOOKUP[_a3.casefold()] = _a2
    _LOOKUP[_fold(_name)] = _a2
for _alias, _code in _ALIASES.items():
    _LOOKUP[_fold(_alias)] = _code


def country_code(value: str) -> str:
    """ISO-2 code for an ISO-2, ISO-3 or English (or common local) country name; "" when unknown."""
    if not value:
        return ""
    key = value.strip().casefold()
    hit = _LOOKUP.get(key)
    if hit is None:
        hit = _LOOKUP.get(_fold(value).strip(" ."), "")
    return hit


def country_name(code: str) -> str:
    """English short name for an ISO-2 code, or the code itself when unknown."""
    return COUNTRIES.get(code.upper(), ("", code))[1]
