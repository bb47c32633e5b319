"""Word lists of Korean news text: titles, byline words, name suffixes, team words, surnames.

Entity finding reads names off these markers: a person stands before a title (``유영상 SK텔레콤
사장``), a company or a place ends in a suffix (``LG전자``, ``서초구``), a reporter before a
byline word (``박해리 기자``), a team after its city or sponsor (``삼성 라이온즈``).
"""

from __future__ import annotations

CORPORATE_TITLES = (
    "명예회장", "선대회장", "부회장", "회장", "부사장", "사장", "대표이사", "대표", "최고경영자",
    "최고재무책임자", "최고기술책임자", "창업자", "창업주", "의장", "이사장", "전무", "상무",
    "본부장", "사업부장", "CEO", "CFO", "CTO", "COO", "President",
)
PUBLIC_TITLES = (
    "대통령", "권한대행", "국무총리", "총리", "장관", "차관", "위원장", "의원", "총재", "주석",
    "총통", "국왕", "대사", "지사", "청장", "원장", "총장", "교수", "대변인", "비서실장", "실장",
    "수석", "당선인", "후보", "감독",
)
HONORIFICS = ("씨", "님", "여사", "선수", "박사", "변호사", "판사", "검사", "작가", "가수", "배우", "감독")
# every title and honorific, longest first
TITLES = tuple(sorted(set(CORPORATE_TITLES + PUBLIC_TITLES + HONORIFICS), key=len, reverse=True))
TITLE_FIRST_CHARS = frozenset(t[0] for t in TITLES)
TITLES_BY_FIRST = {c: tuple(t for t in TITLES if t[0] == c) for c in TITLE_FIRST_CHARS}  # TITLES order
TITLE_WINDOW = 15  # characters after a full name searched for its title ("이재용 삼성전자 회장")

BYLINE_WORDS = ("기자", "특파원", "객원기자", "인턴기자", "통신원", "논설위원", "칼럼니스트")
CREDIT_WORDS = ("사진", "자료", "그래픽", "영상", "출처", "제공")  # "[사진=연합뉴스]"

COMPANY_SUFFIXES = (
    "전자", "그룹", "텔레콤", "하이닉스", "자동차", "은행", "증권", "홀딩스", "중공업", "화학",
    "건설", "제약", "바이오", "생명", "화재", "카드", "물산", "통신", "반도체", "디스플레이",
    "모비스", "항공", "해운", "상사", "캐피탈", "보험", "게임즈", "엔터테인먼트", "제철",
    "정유", "에너지", "솔루션", "산업", "테크", "랩스", "컴퍼니", "뱅크", "증권사",
)
PLACE_SUFFIXES = ("특별시", "광역시", "시", "도", "현", "구", "군", "주")
PLACE_SUFFIX_FORMS = frozenset(("현", "구", "시", "군", "주", "도"))  # one-syllable ones, as morphemes
ORG_SUFFIXES = (
    "상공회의소", "위원회", "연합회", "협의회", "협회", "재단", "연구소", "연구원", "대학교",
    "대학", "공사", "공단", "거래소", "포럼", "학회", "연맹", "조합", "기구", "법원", "검찰청",
    "경찰청", "행정부", "정부", "부", "처", "청", "실", "국회", "TF", "태스크포스", "대",
    "학과", "학부", "대학원", "리그",
)
COMPANY_ORG_SUFFIXES = COMPANY_SUFFIXES + ORG_SUFFIXES
ALL_SUFFIXES = COMPANY_SUFFIXES + PLACE_SUFFIXES + ORG_SUFFIXES
# office words ending in 부/처/청 that name no particular body
GENERIC_ORG_WORDS = {"행정부", "입법부", "사법부", "집행부", "지도부", "수뇌부", "경영진부", "사령탑"}
DERIVING_SUFFIXES = frozenset("산제계식풍인")  # 미국산, 일본제, 한국계, 한국식, 미국인

# sports teams named by a city or a sponsor ("삼성 라이온즈", "뉴욕 양키스"): organisations
TEAM_WORDS = frozenset((
    "라이온즈", "트윈스", "타이거즈", "베어스", "이글스", "자이언츠", "히어로즈", "다이노스", "위즈",
    "랜더스", "와이번스", "양키스", "다저스", "레드삭스", "화이트삭스", "메츠", "컵스", "에인절스",
    "매리너스", "블루제이스", "레인저스", "애스트로스", "파드리스", "브레이브스", "필리스", "카디널스",
    "오리올스", "로열스", "타이거스", "가디언스", "파이리츠", "브루어스", "로키스", "말린스",
    "내셔널스", "애슬레틱스", "다이아몬드백스", "유나이티드", "스틸러스", "블루윙즈", "점보스",
    "스카이워커스", "라이온스", "호크스", "불스", "레이커스", "셀틱스", "워리어스", "닉스", "히트",
    "FC", "SC", "핫스퍼", "유벤투스",
))
LONG_TEAM_WORDS = tuple(t for t in TEAM_WORDS if len(t) > 2)

SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄"
    "채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부"
    "가복태목형피두감음빈동온호범좌팽승간상갈시"
)
# Latin acronyms that name no company or person
LATIN_NON_NAMES = {
    "AI", "IT", "PC", "TV", "HBM", "GPU", "CPU", "NPU", "DX", "SW", "HW", "EV", "IOT", "LCD", "OLED",
    "DS", "DRAM", "SSD", "ESG", "CEO", "CFO", "R&D", "LNG", "5G", "6G", "TF", "DB", "AR", "VR", "XR",
}

# particles Kiwi sometimes leaves glued to an unknown name ("히로시가"): after a vowel ...
VOWEL_PARTICLES = ("가", "는", "를", "와", "랑")
# ... after a consonant; and after either
CONSONANT_PARTICLES = ("이", "은", "을", "과", "이랑")
ANY_PARTICLES = ("에게", "께서", "에서", "의")
# particles that may follow a name when no analysis is at hand
COMMON_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "으로", "만")
