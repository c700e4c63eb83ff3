"""A synthetic county-sized dataset for ``manage.py bench``, loaded with PostgreSQL COPY.

The shape at scale 1: a city with 5 counties of 20 townships each, 5,000 work units, 100,000 talents,
20,000 leaders, one active pairing per talent in a term of its township, 1,000,000 contact logs
(a third of the pairings have no contact this year, so reminders have work), 200,000 appeals (a tenth
open, most of those past their deadline), and a few hundred recent major events. Ids are written
explicitly and the sequences moved past them afterwards.
"""

import datetime
import io
import random
import sys
from dataclasses import dataclass, field

from django.db import connection

from accounts.fields import keyed_hash
from accounts.models import Organization
from talents.models import MajorEvent, Talent

# COPY bypasses the ORM: encrypt the personal columns as the fields would (accounts.fields).
seal_id = Talent._meta.get_field("id_number").get_prep_value
seal_event = MajorEvent._meta.get_field("description").get_prep_value

COUNTIES = 5
TOWNSHIPS_PER_COUNTY = 20
TODAY = datetime.date(2026, 11, 21)
TERM_START, TERM_END = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
CHUNK = 50_000

SURNAMES = [("张", "zhang"), ("王", "wang"), ("李", "li"), ("赵", "zhao"), ("刘", "liu"), ("陈", "chen"),
            ("杨", "yang"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
            ("胡", "hu"), ("朱", "zhu"), ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo")]  # fmt: skip
GIVEN = [("建", "jian"), ("国", "guo"), ("明", "ming"), ("华", "hua"), ("志", "zhi"), ("强", "qiang"),
         ("秀", "xiu"), ("兰", "lan"), ("海", "hai"), ("涛", "tao"), ("雪", "xue"), ("梅", "mei"),
         ("立", "li"), ("新", "xin"), ("磊", "lei"), ("晓", "xiao"), ("燕", "yan"), ("伟", "wei"),
         ("丽", "li"), ("军", "jun"), ("平", "ping"), ("婷", "ting"), ("杰", "jie"), ("静", "jing")]  # fmt: skip


def b36(number: int) -> str:
    """One treebeard path step: ``number`` in base 36, four characters."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(Organization.steplen):
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out


def counts(scale: float) -> dict[str, int]:
    """Row counts of the main tables at ``scale`` (1 = the county-sized figures of the issue)."""
    return {
        "talents": max(50, round(100_000 * scale)),
        "leaders": max(10, round(20_000 * scale)),
        "contacts": max(200, round(1_000_000 * scale)),
        "appeals": max(50, round(200_000 * scale)),
        "work_units": max(20, round(5_000 * scale)),
        "events": max(5, round(300 * scale)),
    }


@dataclass
class Dataset:
    """What the measurements need to know about the generated rows: ids of the personas."""

    rows: dict = field(default_factory=dict)
    superuser: int = 0
    city_staff: int = 0
    county_staff: int = 0
    township_staff: int = 0
    leader_user: int = 0
    leader_pairings: int = 0
    liaison_user: int = 0


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int):
        self.total, self.done = max(total, 1), 0

    def step(self, label: str, n: int) -> None:
        self.done += n
        filled = int(30 * self.done / self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {100 * self.done // self.total:3d}% {label:<24}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


FILLERS = {"boolean": False, "integer": 0, "smallint": 0, "bigint": 0, "text": "", "character varying": "",
           "jsonb": "{}", "date": TODAY, "timestamp with time zone": TODAY}  # fmt: skip


def _fillers(table: str, columns: list[str]) -> tuple[list[str], tuple]:
    """NOT NULL columns without a database default that ``columns`` misses (added by a newer migration)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        missing = [(name, kind) for name, kind in cursor.fetchall() if name not in columns]
    return [name for name, _kind in missing], tuple(FILLERS.get(kind, "") for _name, kind in missing)


def copy(table: str, columns: list[str], rows, progress: Progress | None = None, label: str = "") -> int:
    """COPY ``rows`` (tuples without tabs or newlines) into ``table`` in chunks; return the count."""
    total = 0
    buffer, pending = io.StringIO(), 0
    extra_columns, extra = _fillers(table, columns)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns + extra_columns)
    sql = f"COPY {table} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert

        def flush():
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            buffer.seek(0)
            buffer.truncate()

        for row in rows:
            buffer.write("\t".join(_text(v) for v in (*row, *extra)) + "\n")
            pending += 1
            if pending == CHUNK:
                flush()
                total += pending
                if progress:
                    progress.step(label, pending)
                pending = 0
        if pending:
            flush()
            total += pending
            if progress:
                progress.step(label, pending)
    return total


def _ids(sql: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [r[0] for r in cursor.fetchall()]


# Talents' fields: 40 trades, each also with 技术 and 管理 after it, 120 texts in all (a county's roster
# names its talents' fields in a few hundred ways; a township's 950 talents use most of these).
TALENT_FIELDS = [
    f"{trade}{suffix}"
    for trade in ["农业技术推广", "茶叶加工", "茶叶种植", "农村电商", "电商运营", "乡村旅游", "民宿经营", "中医药",
                  "中药材种植", "中学教育", "小学教育", "职业教育", "医疗卫生", "基层卫生", "机械制造", "数控加工",
                  "建筑工程", "建筑设计", "物流管理", "冷链物流", "畜牧养殖", "水产养殖", "果树栽培", "蔬菜种植",
                  "食品加工", "农产品销售", "电子信息", "软件开发", "金融服务", "法律服务", "文化艺术", "体育",
                  "环境保护", "林业", "水利", "农业机械", "新能源", "化工", "纺织", "家政服务"]
    for suffix in ("", "技术", "管理")
]  # fmt: skip


def build(scale: float, seed: int = 20261121) -> Dataset:
    """Fill the (freshly migrated, empty) database and return the personas to measure with."""
    rnd = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
    n = counts(scale)
    talents, leaders, units = n["talents"], n["leaders"], n["work_units"]
    data = Dataset()
    progress = Progress(talents * 3 + leaders * 2 + n["contacts"] + n["appeals"] + units)
    now = datetime.datetime(2026, 11, 21, 8, 0, tzinfo=datetime.UTC)

    # Organizations: id 1 the city, 2..6 the counties, then the townships.
    orgs = [(1, "0001", 1, COUNTIES, "基准市", "city", now)]
    townships = []  # (id, path, county index)
    for c in range(COUNTIES):
        county_path = "0001" + b36(c + 1)
        orgs.append((2 + c, county_path, 2, TOWNSHIPS_PER_COUNTY, f"基准县{c + 1}", "county", now))
    next_id = 2 + COUNTIES
    for c in range(COUNTIES):
        for t in range(TOWNSHIPS_PER_COUNTY):
            path = "0001" + b36(c + 1) + b36(t + 1)
            orgs.append((next_id, path, 3, 0, f"基准镇{c + 1}-{t + 1}", "township", now))
            townships.append((next_id, path, c))
            next_id += 1
    copy("accounts_organization", ["id", "path", "depth", "numchild", "name", "kind", "created_at"], orgs)

    # Users: 1 superuser, 2 city staff, 3..7 county staff, one staff per township, leaders, liaison officers.
    user_cols = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                 "is_active", "date_joined", "name", "phone"]  # fmt: skip
    township_staff = {tid: 3 + COUNTIES + i for i, (tid, _p, _c) in enumerate(townships)}
    leader_user0 = max(township_staff.values()) + 1
    liaison_user0 = leader_user0 + leaders
    liaisons = max(1, units // 10)

    def users():
        yield (1, "!", True, "bench_admin", "", "", "", True, True, now, "系统管理员", "")
        yield (2, "!", False, "city_staff", "", "", "", False, True, now, "市工作人员", "")
        for c in range(COUNTIES):
            yield (3 + c, "!", False, f"county{c + 1}_staff", "", "", "", False, True, now, f"县{c + 1}工作人员", "")
        for tid, uid in township_staff.items():
            yield (uid, "!", False, f"town{tid}_staff", "", "", "", False, True, now, f"镇{tid}工作人员", "")
        for i in range(leaders):
            yield (leader_user0 + i, "!", False, f"leader{i + 1}", "", "", "", False, True, now, _name(rnd)[0], "")
        for i in range(liaisons):
            yield (liaison_user0 + i, "!", False, f"liaison{i + 1}", "", "", "", False, True, now, f"联络员{i + 1}", "")

    copy("accounts_user", user_cols, users(), progress, "users")

    # Leaders: round-robin over the townships; the first few hundred sit at county level.
    leader_org = [townships[i % len(townships)][0] for i in range(leaders)]
    for i in range(min(leaders // 50, COUNTIES * 4)):
        leader_org[i] = 2 + i % COUNTIES
    copy("liaison_leader", ["id", "user_id", "organization_id", "post", "portfolio", "is_active"],
         ((i + 1, leader_user0 + i, leader_org[i], "副书记", "", True) for i in range(leaders)),
         progress, "leaders")  # fmt: skip

    memberships = [(2, 1, "staff")] + [(3 + c, 2 + c, "staff") for c in range(COUNTIES)]
    memberships += [(uid, tid, "staff") for tid, uid in township_staff.items()]
    memberships += [(leader_user0 + i, leader_org[i], "leader") for i in range(leaders)]
    unit_org = [townships[w % len(townships)][0] for w in range(units)]
    memberships += [(liaison_user0 + i, unit_org[i * 10 % units], "liaison") for i in range(liaisons)]
    copy("accounts_membership", ["user_id", "organization_id", "role", "created_at"],
         ((u, o, r, now) for u, o, r in memberships))  # fmt: skip

    copy("talents_workunit", ["id", "name", "organization_id", "address"],
         ((w + 1, f"单位{w + 1}", unit_org[w], "") for w in range(units)), progress, "work units")  # fmt: skip
    copy("talents_workunit_liaison_officers", ["workunit_id", "user_id"],
         ((w + 1, liaison_user0 + (w // 10) % liaisons) for w in range(units)))  # fmt: skip

    # Talents: statuses 95 % active, 3 % moved, 2 % archived.
    talent_cols = ["id", "name", "name_initials", "name_pinyin", "gender", "birth_date", "ethnicity",
                   "political_status", "education", "degree", "professional_title", "level", "field",
                   "work_unit_id", "organization_id", "post", "phone", "email", "address", "id_number",
                   "id_number_hash", "status", "notes", "created_at", "updated_at"]  # fmt: skip
    talent_unit = [rnd.randrange(units) + 1 for _ in range(talents)]
    field_rnd = random.Random(seed + 29)  # noqa: S311  (its own stream: the other columns stay as they were)

    def talent_rows():
        for t in range(talents):
            name, initials, pinyin = _name(rnd)
            status = rnd.choices(["active", "moved", "archived"], [95, 3, 2])[0]
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rnd.randrange(14_000))
            trade = field_rnd.choice(TALENT_FIELDS)
            yield (t + 1, name, initials, pinyin, rnd.choice("MF"), birth, "汉族", "masses", "bachelor", "bachelor",
                   "工程师", "county", trade, talent_unit[t], unit_org[talent_unit[t] - 1], "技术员",
                   f"138{t:08d}", "", "", seal_id(f"510{t:015d}"), keyed_hash(f"510{t:015d}"), status, "", now,
                   now)  # fmt: skip

    copy("talents_talent", talent_cols, talent_rows(), progress, "talents")
    categories = _ids("SELECT id FROM talents_talentcategory ORDER BY id")
    copy("talents_talent_categories", ["talent_id", "talentcategory_id"],
         ((t + 1, categories[t % len(categories)]) for t in range(talents)), progress, "talent categories")  # fmt: skip

    # Terms: one per township; pairings: every talent with a leader of its township.
    term_of = {tid: i + 1 for i, (tid, _p, _c) in enumerate(townships)}
    copy("liaison_term", ["id", "organization_id", "name", "start", "end", "max_talents_per_leader",
                          "min_contacts_per_year"],
         ((term_of[tid], tid, "2025—2026", TERM_START, TERM_END, None, 1) for tid, _p, _c in townships))  # fmt: skip
    by_org = {}
    for i, org in enumerate(leader_org):
        by_org.setdefault(org, []).append(i + 1)
    pairing_leader = []
    for t in range(talents):
        org = unit_org[talent_unit[t] - 1]
        pairing_leader.append(rnd.choice(by_org.get(org) or by_org[leader_org[0]]))
    copy("liaison_pairing", ["id", "term_id", "leader_id", "talent_id", "start", "end", "end_reason", "previous_id",
                             "created_at"],
         ((t + 1, term_of[unit_org[talent_unit[t] - 1]], pairing_leader[t], t + 1, TERM_START, None, "", None, now)
          for t in range(talents)), progress, "pairings")  # fmt: skip

    # Contacts: a third of the pairings were contacted last year only; 2 % wait for confirmation.
    methods = _ids("SELECT id FROM liaison_contactmethod ORDER BY id")
    this_year = (TODAY - datetime.date(2026, 1, 1)).days
    per_pairing = n["contacts"] / talents

    def contact_rows():
        pk = 0
        for t in range(talents):
            quiet = t % 3 == 0
            count = int(per_pairing) + (rnd.random() < per_pairing % 1)
            for _ in range(count):
                pk += 1
                if quiet:
                    date = datetime.date(2025, 1, 1) + datetime.timedelta(days=rnd.randrange(365))
                else:
                    date = datetime.date(2026, 1, 1) + datetime.timedelta(days=rnd.randrange(this_year))
                confirmed = None if rnd.random() < 0.02 else now
                leader = pairing_leader[t]
                yield (pk, t + 1, leader, t + 1, date, rnd.choice(methods), "走访了解工作生活情况", "", "leader", "",
                       leader_user0 + leader - 1, now, confirmed, None)  # fmt: skip

    data.rows["contacts"] = copy(
        "liaison_contactlog",
        ["id", "pairing_id", "leader_id", "talent_id", "date", "method_id", "summary", "opinions", "initiated_by",
         "place", "created_by_id", "created_at", "confirmed_at", "import_batch_id"],
        contact_rows(), progress, "contacts",
    )  # fmt: skip

    # Appeals: 10 % open, with deadlines 20 days after receipt (so most open ones are overdue).
    appeal_categories = _ids("SELECT id FROM liaison_appealcategory ORDER BY id")

    def appeal_rows():
        for a in range(n["appeals"]):
            t = rnd.randrange(talents)
            org = unit_org[talent_unit[t] - 1]
            received = datetime.date(2025, 1, 1) + datetime.timedelta(days=rnd.randrange(690))
            status = rnd.choice(["registered", "assigned", "in_progress"]) if rnd.random() < 0.1 else "closed"
            staff = township_staff[org]
            closed = received + datetime.timedelta(days=10) if status == "closed" else None
            yield (a + 1, t + 1, org, rnd.choice(appeal_categories), "希望协调子女入学", "contact", None, None,
                   "normal", received, "", staff if status != "registered" else None, "", "",
                   received + datetime.timedelta(days=20), "", "", status, 1, 1, staff, now, now, closed,
                   closed)  # fmt: skip

    copy("liaison_appeal",
         ["id", "talent_id", "organization_id", "category_id", "description", "source", "contact_id",
          "major_event_id", "urgency", "received_on", "lead_unit", "handler_id", "co_units", "measures", "deadline",
          "result", "satisfaction", "status", "round", "version", "created_by_id", "created_at", "updated_at",
          "resolved_on", "closed_on"], appeal_rows(), progress, "appeals")  # fmt: skip

    # Recent illnesses and achievements, for the must-visit sweep.
    copy("talents_majorevent", ["talent_id", "kind", "date", "description", "reported_by_id", "reported_at",
                                "discharged_on"],
         ((rnd.randrange(talents) + 1, rnd.choice(["health", "achievement"]),
           TODAY - datetime.timedelta(days=rnd.randrange(1, 28)), seal_event("住院治疗"), 2, now, None)
          for _ in range(n["events"])))  # fmt: skip
    # A quiet-pairing rule for the whole tree, so the no-contact sweep has work.
    copy("liaison_reminderpolicy", ["organization_id", "checkpoints", "staff_summary_on", "no_contact_days",
                                    "achievement_visit_days", "illness_visit_days", "report_reminder_on"],
         [(1, "07-01,10-01,12-01", "12-15", 90, 15, 7, "12-20")])  # fmt: skip
    progress.close()
    data.rows.update(build_maps(seed, now))

    with connection.cursor() as cursor:
        for table in [
            "accounts_organization",
            "accounts_user",
            "liaison_leader",
            "talents_workunit",
            "talents_talent",
            "liaison_term",
            "liaison_pairing",
            "liaison_contactlog",
            "liaison_appeal",
        ]:
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE")  # fmt: skip

    leader_counts = {}
    for leader in pairing_leader:
        leader_counts[leader] = leader_counts.get(leader, 0) + 1
    busiest = max(leader_counts, key=leader_counts.get)
    data.superuser, data.city_staff, data.county_staff = 1, 2, 3
    data.township_staff = township_staff[townships[0][0]]
    data.leader_user, data.leader_pairings = leader_user0 + busiest - 1, leader_counts[busiest]
    data.liaison_user = liaison_user0
    return data


# The maps (maps app): fields named by needs, matched to talents' fields by substring (农业 matches 农业技术推广).
NEED_FIELDS = ["农业", "茶叶加工", "电商", "乡村旅游", "中医药", "教育", "医疗卫生", "机械制造", "建筑", "物流"]
GROWTH_TITLES = {"training": "专业技术培训班", "competition": "县职业技能竞赛", "award": "县级技术能手",
                 "title": "晋升中级职称", "project": "主持县级科技项目"}  # fmt: skip


def build_maps(seed: int, now: datetime.datetime) -> dict[str, int]:
    """Fill the maps' tables from the talents and pairings loaded; return their row counts.

    Needs: one per 5 talents, 90 % of a township, the rest of a county or the city, 1-5 talents each,
    30 % naming a category, 60 % with a needed-by date (some already past). Mentorships: 10 % of the
    active paired talents, for their pairing's term, by the pairing's leader (70 %) or another talent
    of the organization. Growth records: 10 % of the talents, 1-5 each; support records: 30 % of the
    talents, 1-2 each; both dated from 2025-01-01 to TODAY.
    """
    rnd = random.Random(seed + 17)  # noqa: S311  (reproducible test data, not secrets)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (t.id) t.id, t.organization_id, t.status, p.term_id, p.leader_id FROM talents_talent t "
            'LEFT JOIN liaison_pairing p ON p.talent_id = t.id AND p."end" IS NULL ORDER BY t.id, p.id'
        )
        talents = cursor.fetchall()
        cursor.execute("SELECT id, depth FROM accounts_organization ORDER BY id")
        organizations = cursor.fetchall()
    categories = _ids("SELECT id FROM talents_talentcategory ORDER BY id")
    kinds = _ids("SELECT id FROM maps_supportkind WHERE is_active ORDER BY sort_order, id")
    by_depth, by_org = {}, {}
    for org, depth in organizations:
        by_depth.setdefault(min(depth, 3), []).append(org)
    for pk, org, status, _term, _leader in talents:
        if status == "active":
            by_org.setdefault(org, []).append(pk)
    days = (TODAY - datetime.date(2025, 1, 1)).days

    def day() -> datetime.date:
        return datetime.date(2025, 1, 1) + datetime.timedelta(days=rnd.randrange(days + 1))

    def needs():
        for _ in range(len(talents) // 5):
            depth = rnd.choices([3, 2, 1], [90, 8, 2])[0]
            needed_by = None if rnd.random() < 0.4 else day() + datetime.timedelta(days=rnd.randrange(400))
            created = datetime.datetime.combine(day(), datetime.time(9), tzinfo=datetime.UTC)
            yield (rnd.choice(by_depth[depth]), rnd.choice(NEED_FIELDS),
                   rnd.choice(categories) if rnd.random() < 0.3 else None, rnd.randint(1, 5), "调研发现缺少专业人才",
                   needed_by, rnd.choice(["survey", "symposium", "other"]), 2, created)  # fmt: skip

    def mentorships():
        for pk, org, status, term, leader in talents:
            if status != "active" or term is None or rnd.random() >= 0.1:
                continue
            expert = rnd.choice(by_org[org]) if rnd.random() < 0.3 and len(by_org[org]) > 1 else None
            if expert == pk:
                expert = None
            yield (pk, term, None if expert else leader, expert, "制定年度培养计划", 2, now)

    def growth():
        for pk, *_rest in talents:
            for _ in range(rnd.randint(1, 5) if rnd.random() < 0.1 else 0):
                kind = rnd.choice(list(GROWTH_TITLES))
                yield (pk, kind, day(), GROWTH_TITLES[kind], "", 2, now)

    def support():
        for pk, *_rest in talents:
            for _ in range(rnd.randint(1, 2) if rnd.random() < 0.3 else 0):
                yield (pk, rnd.choice(kinds), day(), "发放人才补贴", rnd.choice([None, 5000, 20000]), 2, now)

    return {
        "talent_needs": copy("maps_talentneed", ["organization_id", "field", "category_id", "count", "reason",
                                                 "needed_by", "source", "created_by_id", "created_at"], needs()),
        "mentorships": copy("maps_mentorship", ["talent_id", "term_id", "mentor_leader_id", "mentor_expert_id",
                                                "plan", "created_by_id", "created_at"], mentorships()),
        "growth_records": copy("maps_growthrecord", ["talent_id", "kind", "date", "title", "description",
                                                     "created_by_id", "created_at"], growth()),
        "support_records": copy("maps_supportrecord", ["talent_id", "kind_id", "date", "description", "amount",
                                                       "created_by_id", "created_at"], support()),
    }  # fmt: skip


def _name(rnd: random.Random) -> tuple[str, str, str]:
    surname = rnd.choice(SURNAMES)
    given = [rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2)))]
    parts = [surname, *given]
    return "".join(c for c, _p in parts), "".join(p[0] for _c, p in parts), "".join(p for _c, p in parts)
