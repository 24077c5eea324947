#!/usr/bin/env python3
"""Deterministic generator of a synthetic Customer Success note vault.

Usage:
    genvault.py --accounts N --out DIR [--seed S] [--force]

Layout (all paths relative to DIR):
    Active/Accounts/<Account_Name>/Overview.md
    Active/Accounts/<Account_Name>/Health.md
    Active/Accounts/<Account_Name>/Stakeholders.md
    Active/Accounts/<Account_Name>/Success_Plan.md
    Relationships/Champions/<Person Name>.md        (1-2 per account)
    Inbox/Meetings/<YYYY-MM-DD - QBR: Account>.md    (2-4 per account)
    .genvault.json                                   (manifest for benchmarks)

Roughly 8.5 files per account (100 accounts ~ 850 files, 10000 ~ 85k files,
about 1.6 KiB per file on average).

What the notes contain, on purpose, so that an LSP has real work to do:
  * [[Person Name]] wikilinks, some to existing champion pages, some unresolved
    (people who have no page), some with |alias and #heading, and path-qualified
    links such as [[Active/Accounts/Acme_Robotics/Health|Health]] (Overview.md etc.
    are ambiguous as bare names, as in a real Obsidian vault);
  * tasks: `- [ ] Send case study 📅 2026-01-30`, `- [ ] Call [[Jane Doe]] due: 2026-02-03`,
    `- [x] ... ✅ 2025-10-20`;
  * fields: `- NPS: 8 (up from 6 last quarter)`, `- Renewal: June 2026`,
    `- Adoption: 78% DAU, target was 70%`, `- ARR: $420,000`;
  * emoji outside the BMP (📅 🟢 🎉: two UTF-16 code units, four UTF-8 bytes) and
    accented names (é, ü: one UTF-16 unit, two bytes), so UTF-16 columns differ
    from byte offsets;
  * about 10% of files with CRLF line endings;
  * YAML frontmatter with aliases: and tags: on some pages;
  * fenced code blocks (``` and ~~~) holding fake [[links]] and fake tasks that
    must not count;
  * a few plain Markdown links, one of them broken.

The output depends only on --accounts and --seed (no clock, no hash ordering):
the same arguments give byte-identical files.  The vault for N accounts is not a
prefix of the vault for M > N accounts, but it has the same statistical shape.
"""

import argparse
import json
import os
import random
import shutil
import sys
import datetime as dt

FORMAT_VERSION = 1

FIRST = [
    "Jane", "Raj", "Maria", "Chen", "Ahmed", "Olivia", "Liam", "Sofia", "Noah", "Aisha",
    "Lucas", "Emma", "Mateo", "Yuki", "Priya", "Omar", "Hannah", "Diego", "Fatima", "Ethan",
    "Zoë", "José", "Björn", "Anaïs", "Chloé", "Søren", "Małgorzata", "Renée", "Joël", "Inés",
    "Grace", "Kwame", "Mei", "Arjun", "Leila", "Tomás", "Ingrid", "Kofi", "Nadia", "Samuel",
    "Elena", "Hiro", "Amara", "Felix", "Isla", "Mohammed", "Camila", "Dmitri", "Ava", "Jonas",
    "Lena", "Rafael", "Sana", "Theo", "Valentina", "Wei", "Yara", "Zane", "Bianca", "Caleb",
    "Daria", "Emil", "Freya", "Gabriel", "Hana", "Ivan", "Julia", "Kai", "Laila", "Marco",
    "Nina", "Oscar", "Paula", "Quentin", "Rosa", "Stefan", "Tara", "Umar", "Vera", "Will",
]
LAST = [
    "Doe", "Patel", "Garcia", "Wang", "Hassan", "Smith", "Johnson", "Rossi", "Kim", "Khan",
    "Silva", "Müller", "Dubois", "Tanaka", "Nguyen", "Kowalski", "Andersen", "O'Brien", "Fernández", "Novak",
    "Okafor", "Schmidt", "Lindqvist", "Moreau", "Costa", "Yamamoto", "Ivanova", "Haddad", "Brown", "Taylor",
    "Martin", "Lee", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Hill", "Ramirez", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
    "Turner", "Torres", "Parker", "Collins", "Edwards", "Stewart", "Flores", "Morris", "Murphy", "Cook",
    "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Gómez", "Kelly", "Howard",
    "Ward", "Cox", "Díaz", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James",
    "Reyes", "Cruz", "Hughes", "Price", "Myers", "Long", "Foster", "Sanders", "Ross", "Morales",
    "Powell", "Sullivan", "Russell", "Ortiz", "Jenkins", "Gutiérrez", "Perry", "Butler", "Barnes", "Fischer",
]
MIDDLE = list("ABCDEFGHJKLMNPRSTVW")

ADJ = [
    "Acme", "Blue", "Bright", "Cedar", "Crimson", "Delta", "Eagle", "Ember", "Falcon", "Golden",
    "Granite", "Harbor", "Helix", "Indigo", "Iron", "Jade", "Juniper", "Kestrel", "Lumen", "Maple",
    "Meridian", "Nimbus", "Northwind", "Nova", "Oak", "Onyx", "Orbit", "Pacific", "Pine", "Polar",
    "Quantum", "Quartz", "Radiant", "Redwood", "Sable", "Sapphire", "Sierra", "Silver", "Solar", "Summit",
    "Tidal", "Titan", "Umber", "Vector", "Velvet", "Vista", "Willow", "Zenith", "Aurora", "Basalt",
    "Cobalt", "Copper", "Coral", "Echo", "Fjord", "Glacier", "Horizon", "Lotus", "Mosaic", "Prism",
]
NOUN = [
    "Robotics", "Health", "Logistics", "Analytics", "Foods", "Energy", "Bank", "Media", "Labs", "Systems",
    "Dynamics", "Networks", "Pharma", "Retail", "Capital", "Motors", "Insurance", "Telecom", "Software", "Farms",
    "Aerospace", "Biotech", "Clinics", "Devices", "Education", "Freight", "Games", "Hotels", "Industries", "Learning",
    "Materials", "Mobility", "Payments", "Realty", "Security", "Shipping", "Studios", "Textiles", "Travel", "Water",
]
SUFFIX = ["", "", "", "Inc", "Group", "Co", "GmbH", "Ltd", "AG", "SA", "Partners", "Holdings"]

SEGMENTS = ["Enterprise", "Mid-Market", "SMB", "Strategic"]
INDUSTRIES = ["Healthcare", "Fintech", "Retail", "Manufacturing", "Logistics", "Media", "Education",
              "Public Sector", "Energy", "Telecom"]
ROLES = ["VP Operations", "Director of IT", "Head of Customer Experience", "CTO", "COO",
         "Product Manager", "Data Lead", "Procurement Manager", "VP Sales", "Chief of Staff",
         "Support Manager", "Head of Analytics"]
CSMS = ["Jordan Blake", "Casey Morgan", "Riley Chen", "Avery Santos", "Quinn Foster", "Taylor Reyes"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WINS = [
    "Rolled out to {n} new teams 🎉",
    "Completed SSO migration ahead of schedule",
    "Support backlog down {p}% quarter over quarter",
    "Executive sponsor presented our results at their all-hands 🚀",
    "Renewed two add-on modules without discount",
    "Reporting dashboard adopted by finance ({n} weekly users)",
    "API integration live with their data warehouse",
    "Onboarded the EMEA region ✅",
]
CONCERNS = [
    "Budget freeze risk flagged by {person} ⚠️",
    "Low adoption in the {team} team ({p}% WAU)",
    "Competitor evaluation underway (mentioned by {person})",
    "Reorg: our champion may change roles 😬",
    "Open P1 ticket on data export for {n} days",
    "Procurement wants a 15% discount at renewal",
    "Security review pending for the new module 🔒",
]
TEAMS = ["marketing", "finance", "ops", "support", "sales", "engineering", "HR", "legal"]
ACTIONS = [
    "Send case study",
    "Share roadmap deck",
    "Prepare renewal quote",
    "Book training session for new admins",
    "Escalate P1 ticket to engineering",
    "Draft success plan update",
    "Send usage report",
    "Set up executive business review",
    "Confirm SSO configuration",
    "Review expansion pricing",
]
EXPANSIONS = [
    "Upsell: Analytics add-on, est. ${k}k ARR",
    "Cross-sell: Premium support tier, est. ${k}k ARR",
    "Seat expansion: +{n} seats in {team}",
    "New business unit ({team}) evaluating, est. ${k}k ARR",
    "No expansion this quarter; focus on adoption",
]
LOREM = [
    "The team is broadly happy with the rollout and wants more self-serve reporting.",
    "They asked for a clearer view of usage per department before the renewal talk.",
    "Discussed the migration timeline and the training plan for new hires.",
    "Feedback on the mobile app was mixed; performance on older devices is a concern.",
    "Their leadership cares most about time-to-value and measurable savings.",
    "We agreed to revisit the integration scope once the security review closes.",
    "Champion wants a reference call with a customer in the same industry.",
    "Usage dipped over the holidays and recovered in the first two weeks of the month.",
    "Finance wants quarterly invoices instead of annual billing starting next fiscal year.",
    "The admin team struggled with permissions; a short training video would help.",
    "They are consolidating vendors, which is both a risk and an expansion opportunity.",
    "Legal flagged the data processing addendum; we sent the updated version on Friday.",
    "Two power users built their own dashboards and want them shared across regions.",
    "The rollout in the warehouse sites is blocked on scanner hardware, not on us.",
    "Their new CIO starts next month and will review every tool above $50k.",
    "Our last release fixed the export bug that came up in the previous review.",
    "They would like a sandbox environment to test workflow changes safely.",
    "Renewal conversation should start at least 90 days out given their procurement cycle.",
    "Support satisfaction is high, but first-response time in APAC is still too slow.",
    "The pilot in the second business unit exceeded its success criteria.",
]
CODE_LANGS = ["text", "yaml", "json", "python", "", "bash"]

BASE_DATE = dt.date(2025, 1, 6)


def person_name(rng):
    first = rng.choice(FIRST)
    last = rng.choice(LAST)
    if rng.random() < 0.35:
        return f"{first} {rng.choice(MIDDLE)}. {last}"
    return f"{first} {last}"


class Names:
    """Unique person and company names, drawn deterministically."""

    def __init__(self, rng):
        self.rng = rng
        self.people = set()
        self.companies = set()

    def person(self):
        for _ in range(50):
            n = person_name(self.rng)
            if n not in self.people:
                self.people.add(n)
                return n
        i = 2
        base = person_name(self.rng)
        while f"{base} {i}" in self.people:
            i += 1
        n = f"{base} {i}"
        self.people.add(n)
        return n

    def company(self):
        for _ in range(50):
            parts = [self.rng.choice(ADJ), self.rng.choice(NOUN)]
            s = self.rng.choice(SUFFIX)
            if s:
                parts.append(s)
            n = " ".join(parts)
            if n not in self.companies:
                self.companies.add(n)
                return n
        i = 2
        base = f"{self.rng.choice(ADJ)} {self.rng.choice(NOUN)}"
        while f"{base} {i}" in self.companies:
            i += 1
        n = f"{base} {i}"
        self.companies.add(n)
        return n


def dirname_for(account):
    return account.replace(" ", "_").replace("'", "")


def fmt_date(d):
    return d.isoformat()


def month_year(d):
    return f"{MONTHS[d.month - 1]} {d.year}"


def yaml_list(items):
    out = []
    for it in items:
        if any(c in it for c in ":#[]{},'\"") or it != it.strip():
            out.append('"' + it.replace('"', '\\"') + '"')
        else:
            out.append(it)
    return "[" + ", ".join(out) + "]"


class Account:
    def __init__(self, idx, name, rng, names):
        self.idx = idx
        self.name = name
        self.dir = dirname_for(name)
        self.path = f"Active/Accounts/{self.dir}"
        self.champions = [names.person() for _ in range(1 if rng.random() < 0.5 else 2)]
        # people mentioned but without a page: unresolved links
        self.others = [names.person() for _ in range(rng.randint(2, 4))]
        self.roles = {p: rng.choice(ROLES) for p in self.champions + self.others}
        self.csm = rng.choice(CSMS)
        self.segment = rng.choice(SEGMENTS)
        self.industry = rng.choice(INDUSTRIES)
        self.arr = rng.randint(12, 900) * 1000
        self.renewal = BASE_DATE + dt.timedelta(days=rng.randint(60, 540))
        self.n_meetings = rng.choice([2, 3, 3, 4])
        first = BASE_DATE + dt.timedelta(days=rng.randint(0, 80))
        self.meeting_dates = [first + dt.timedelta(days=91 * k + rng.randint(-5, 5))
                              for k in range(self.n_meetings)]
        self.nps = [rng.randint(3, 10) for _ in range(self.n_meetings + 1)]
        self.adoption = [rng.randint(25, 95) for _ in range(self.n_meetings + 1)]
        self.health = [rng.randint(30, 95) for _ in range(self.n_meetings + 1)]

    def meeting_file(self, k):
        return f"Inbox/Meetings/{fmt_date(self.meeting_dates[k])} - QBR: {self.name}.md"

    def overview_link(self, alias=True):
        return f"[[{self.path}/Overview|{self.name}]]" if alias else f"[[{self.path}/Overview]]"


class Writer:
    def __init__(self, out, rng):
        self.out = out
        self.rng = rng
        self.files = 0
        self.bytes = 0
        self.crlf = 0
        self.made_dirs = set()

    def write(self, rel, text, crlf=None):
        if crlf is None:
            crlf = self.rng.random() < 0.10
        if crlf:
            text = text.replace("\n", "\r\n")
            self.crlf += 1
        data = text.encode("utf-8")
        path = os.path.join(self.out, rel)
        d = os.path.dirname(path)
        if d not in self.made_dirs:
            os.makedirs(d, exist_ok=True)
            self.made_dirs.add(d)
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)


def link_person(rng, p, allow_heading=True):
    r = rng.random()
    if r < 0.15:
        return f"[[{p}|{p.split()[0]}]]"
    if r < 0.22 and allow_heading:
        return f"[[{p}#Notes|{p.split()[0]}]]"
    return f"[[{p}]]"


def fake_code_block(rng):
    lang = rng.choice(CODE_LANGS)
    fence = "~~~" if rng.random() < 0.2 else "```"
    body = rng.choice([
        "Fake link in code: [[Not A Real Link]]\n- [ ] not a task 📅 2026-01-01\n",
        "notes: \"[[Also Not A Link|alias]]\"\nNPS: 99\n",
        "for row in rows:\n    print(\"[[Inside Python]]\")\n",
        "curl -s localhost:8080/health  # [[Not A Link Either]]\n",
    ])
    return f"{fence}{lang}\n{body}{fence}\n"


def task_line(rng, acct, d, person=None, done=None):
    action = rng.choice(ACTIONS)
    due = d + dt.timedelta(days=rng.randint(3, 60))
    if done is None:
        done = rng.random() < 0.3
    box = "[x]" if done else "[ ]"
    style = rng.random()
    if person and style < 0.5:
        text = f"Call {link_person(rng, person, allow_heading=False)} due: {fmt_date(due)}"
    elif style < 0.8:
        text = f"{action} 📅 {fmt_date(due)}"
    else:
        text = f"{action} for {acct.name} due: {fmt_date(due)}"
    if done:
        text += f" ✅ {fmt_date(due - dt.timedelta(days=rng.randint(0, 3)))}"
    if rng.random() < 0.2:
        text += " #followup"
    return f"- {box} {text}"


def gen_overview(rng, a):
    fm = ""
    if rng.random() < 0.7:
        aliases = [a.name.split()[0] + " " + a.name.split()[1]]
        if rng.random() < 0.5:
            aliases.append("".join(w[0] for w in a.name.split()).upper())
        tags = ["account", f"segment/{a.segment.lower()}", f"industry/{a.industry.lower().replace(' ', '-')}"]
        fm = (f"---\naliases: {yaml_list(aliases)}\ntags: {yaml_list(tags)}\n"
              f"account_id: ACC-{a.idx:05d}\narr: {a.arr}\n---\n")
    champs = ", ".join(link_person(rng, p) for p in a.champions)
    lines = [
        f"# {a.name} Overview",
        "",
        f"- Segment: {a.segment}",
        f"- Industry: {a.industry}",
        f"- ARR: ${a.arr:,}",
        f"- Renewal: {month_year(a.renewal)}",
        f"- CSM: [[{a.csm}]]",
        f"- Champions: {champs}",
        "",
        "## Summary",
        "",
        " ".join(rng.sample(LOREM, 3)),
        "",
        "## Related",
        "",
        f"- [[{a.path}/Health|Health]]",
        f"- [[{a.path}/Stakeholders|Stakeholders]]",
        f"- [[{a.path}/Success_Plan#Goals|Success plan goals]]",
        "- [Stakeholder map](Stakeholders.md)",
        "",
        "## Meetings",
        "",
    ]
    for k in range(a.n_meetings):
        lines.append(f"- [[{a.meeting_file(k)[len('Inbox/Meetings/'):-3]}]]")
    lines.append("")
    return fm + "\n".join(lines)


def gen_health(rng, a):
    fm = "---\ntags: [health]\n---\n" if rng.random() < 0.4 else ""
    h = a.health[-1]
    light = "🟢" if h >= 70 else ("🟡" if h >= 50 else "🔴")
    lines = [
        f"# Health: {a.name}",
        "",
        "## Account Health",
        "",
        f"- Health Score: {h}/100 {light}",
        f"- NPS: {a.nps[-1]} (up from {a.nps[-2]} last quarter)" if a.nps[-1] >= a.nps[-2]
        else f"- NPS: {a.nps[-1]} (down from {a.nps[-2]} last quarter)",
        f"- Adoption: {a.adoption[-1]}% DAU, target was {rng.choice([60, 65, 70, 75, 80])}%",
        f"- Support Tickets: {rng.randint(0, 30)} open ({rng.randint(0, 3)} P1)",
        f"- Renewal: {month_year(a.renewal)}",
        "",
        "## Trend",
        "",
        "| Quarter | Health | NPS | Adoption |",
        "| --- | --- | --- | --- |",
    ]
    for k, d in enumerate(a.meeting_dates):
        lines.append(f"| {d.year} Q{(d.month - 1) // 3 + 1} | {a.health[k]} | {a.nps[k]} | {a.adoption[k]}% |")
    lines += ["", "## Risks", ""]
    for _ in range(rng.randint(1, 3)):
        lines.append("- " + rng.choice(CONCERNS).format(
            person=link_person(rng, rng.choice(a.champions + a.others)),
            team=rng.choice(TEAMS), p=rng.randint(5, 40), n=rng.randint(2, 30)))
    lines.append("")
    return fm + "\n".join(lines)


def gen_stakeholders(rng, a):
    lines = [f"# Stakeholders at {a.name}", "", "## Champions", ""]
    for p in a.champions:
        lines.append(f"- {link_person(rng, p)}: {a.roles[p]}, champion since {rng.randint(2019, 2025)}")
    lines += ["", "## Others", ""]
    for p in a.others:
        lines.append(f"- {link_person(rng, p)}: {a.roles[p]}")
    lines += [
        "",
        "## Internal",
        "",
        f"- CSM: [[{a.csm}]]",
        f"- Account executive: [[{rng.choice(CSMS)}|AE]]",
        "",
        "## Org chart notes",
        "",
        fake_code_block(rng),
    ]
    return "\n".join(lines)


def gen_success_plan(rng, a, broken_md):
    fm = "---\ntags: [success-plan]\n---\n" if rng.random() < 0.5 else ""
    d = a.meeting_dates[0]
    lines = [
        f"# Success Plan: {a.name}",
        "",
        "## Goals",
        "",
        f"1. Reach {rng.choice([70, 75, 80, 85])}% weekly active usage by {month_year(d + dt.timedelta(days=120))}",
        f"2. Renew before {fmt_date(a.renewal)} without discount",
        f"3. Expand to the {rng.choice(TEAMS)} team",
        "",
        "## Milestones",
        "",
    ]
    for _ in range(rng.randint(3, 5)):
        lines.append(task_line(rng, a, d, person=rng.choice(a.champions + a.others)))
    lines += ["", "## Links", "", f"- Owner: {link_person(rng, a.champions[0])}",
              f"- Account: [[{a.path}/Overview|Overview]]"]
    if broken_md:
        lines.append("- [Previous plan](Success_Plan_2024.md)")
    lines.append("")
    return fm + "\n".join(lines)


def gen_champion(rng, a, p):
    fm = ""
    if rng.random() < 0.6:
        parts = p.split()
        aliases = [parts[0]]
        if len(parts) > 2:
            aliases.append(f"{parts[0]} {parts[-1]}")
        fm = f"---\naliases: {yaml_list(aliases)}\ntags: [champion, person]\ncompany: \"{a.name}\"\n---\n"
    lines = [
        f"# {p}",
        "",
        f"- Role: {a.roles[p]} at {a.overview_link()}",
        f"- Email: {p.split()[0].lower()}@example.com",
        f"- Champion since: {rng.randint(2019, 2025)}",
        "",
        "## Notes",
        "",
        rng.choice(LOREM),
        "",
        "## History",
        "",
    ]
    for k in range(a.n_meetings):
        if rng.random() < 0.6:
            lines.append(f"- Attended [[{a.meeting_file(k)[len('Inbox/Meetings/'):-3]}]]")
    lines.append("")
    return fm + "\n".join(lines)


def gen_meeting(rng, a, k, broken_wiki):
    d = a.meeting_dates[k]
    attendees = a.champions[:] + rng.sample(a.others, min(len(a.others), rng.randint(1, 2)))
    fm = ""
    if rng.random() < 0.6:
        fm = (f"---\ndate: {fmt_date(d)}\ntype: qbr\naccount: \"{a.overview_link()}\"\n"
              f"tags: [meeting, qbr]\n---\n")
    nps_now, nps_prev = a.nps[k + 1], a.nps[k]
    trend = "up" if nps_now >= nps_prev else "down"
    lines = [
        f"# QBR: {a.name} ({fmt_date(d)})",
        "",
        f"Attendees: {', '.join(link_person(rng, p) for p in attendees)}, [[{a.csm}]]",
        f"Account: {a.overview_link()}",
        "",
        "## Account Health",
        "",
        f"- NPS: {nps_now} ({trend} from {nps_prev} last quarter)",
        f"- Renewal: {month_year(a.renewal)}",
        f"- Adoption: {a.adoption[k + 1]}% DAU, target was {rng.choice([60, 65, 70, 75, 80])}%",
        f"- Health Score: {a.health[k]} → {a.health[k + 1]} {'🟢' if a.health[k + 1] >= 70 else '🟡'}",
        "",
        "## Key Wins",
        "",
    ]
    for w in rng.sample(WINS, rng.randint(1, 3)):
        lines.append("- " + w.format(n=rng.randint(2, 12), p=rng.randint(10, 60)))
    lines += ["", "## Concerns", ""]
    for c in rng.sample(CONCERNS, rng.randint(1, 3)):
        lines.append("- " + c.format(person=link_person(rng, rng.choice(attendees)),
                                      team=rng.choice(TEAMS), p=rng.randint(5, 40), n=rng.randint(2, 30)))
    if broken_wiki:
        lines.append(f"- Ask [[{broken_wiki}]] about the budget owner")
    lines += ["", "## Action Items", ""]
    lines.append(f"- [ ] {rng.choice(ACTIONS)} 📅 {fmt_date(d + dt.timedelta(days=rng.randint(5, 40)))}")
    lines.append(f"- [ ] Call {link_person(rng, a.champions[0], allow_heading=False)} due: "
                 f"{fmt_date(d + dt.timedelta(days=rng.randint(3, 30)))}")
    for _ in range(rng.randint(1, 4)):
        lines.append(task_line(rng, a, d, person=rng.choice(attendees)))
    lines += ["", "## Discussion", ""]
    for _ in range(rng.randint(2, 4)):
        para = rng.sample(LOREM, rng.randint(2, 4))
        if rng.random() < 0.4:
            para.insert(1, f"{link_person(rng, rng.choice(attendees))} agreed to follow up.")
        if rng.random() < 0.3:
            para.append(rng.choice(["#risk", "#renewal", "#expansion", "#product-feedback"]))
        lines += [" ".join(para), ""]
    lines += ["## Decisions", ""]
    for _ in range(rng.randint(1, 2)):
        lines.append("- " + rng.choice([
            "Move the next QBR to the customer's office 🏢",
            "Pilot the new reporting module with finance",
            f"Keep pricing flat for the {month_year(a.renewal)} renewal",
            "Open a joint escalation channel for P1 issues",
            "Run a training session for the new admin team 📚",
        ]))
    lines += ["", "## Expansion Opportunity", ""]
    lines.append("- " + rng.choice(EXPANSIONS).format(k=rng.randint(10, 200), n=rng.randint(5, 200),
                                                       team=rng.choice(TEAMS)))
    lines += ["", "## Notes", "", rng.choice(LOREM), ""]
    if rng.random() < 0.5:
        lines.append(fake_code_block(rng))
    if k > 0:
        prev = a.meeting_file(k - 1)[len("Inbox/Meetings/"):-3]
        lines.append(f"Previous: [[{prev}]]")
        lines.append("")
    return fm + "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--force", action="store_true", help="delete DIR first if it exists")
    args = ap.parse_args(argv)

    out = args.out
    if os.path.exists(out):
        if not args.force and os.listdir(out):
            print(f"{out} exists and is not empty (use --force)", file=sys.stderr)
            return 2
        if args.force:
            shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    rng = random.Random(args.seed)
    names = Names(rng)
    accounts = [Account(i, names.company(), rng, names) for i in range(args.accounts)]
    w = Writer(out, rng)

    # the probe note for diagnostics: the middle account's first meeting gets a
    # known broken wikilink, and its Success_Plan a broken Markdown link
    probe_idx = args.accounts // 2
    broken_name = "Nobody Has This Page"
    probe = {}
    for a in accounts:
        w.write(f"{a.path}/Overview.md", gen_overview(rng, a))
        w.write(f"{a.path}/Health.md", gen_health(rng, a))
        w.write(f"{a.path}/Stakeholders.md", gen_stakeholders(rng, a))
        is_probe = a.idx == probe_idx
        w.write(f"{a.path}/Success_Plan.md",
                gen_success_plan(rng, a, broken_md=is_probe or rng.random() < 0.2),
                crlf=False if (is_probe or a.idx == 0) else None)
        for p in a.champions:
            w.write(f"Relationships/Champions/{p}.md", gen_champion(rng, a, p))
        for k in range(a.n_meetings):
            bw = broken_name if (is_probe and k == 0) else None
            w.write(a.meeting_file(k), gen_meeting(rng, a, k, bw), crlf=False if bw else None)
        if is_probe:
            probe = {
                "broken_link_note": a.meeting_file(0),
                "broken_link_target": broken_name,
                "broken_md_note": f"{a.path}/Success_Plan.md",
                "broken_md_target": "Success_Plan_2024.md",
            }

    last = accounts[-1]
    first = accounts[0]
    manifest = {
        "format": FORMAT_VERSION,
        "generator": "scripts/genvault.py",
        "accounts": args.accounts,
        "seed": args.seed,
        "files": w.files,
        "bytes": w.bytes,
        "crlf_files": w.crlf,
        # a note that a benchmark opens and types into (LF, no frontmatter tricks needed)
        "edit_note": f"{first.path}/Success_Plan.md",
        # pages that must be found once the whole vault is indexed: the last
        # account's champion (generated last) and a middle one
        "target_notes": [
            {"name": last.champions[-1], "path": f"Relationships/Champions/{last.champions[-1]}.md"},
            {"name": accounts[probe_idx].champions[0],
             "path": f"Relationships/Champions/{accounts[probe_idx].champions[0]}.md"},
        ],
        # a heading that exists exactly once in the vault (for workspace/symbol)
        "target_heading": f"{last.name} Overview",
        "target_heading_path": f"{last.path}/Overview.md",
        # two-letter prefixes that occur as the start of champion names
        "completion_prefixes": sorted({p[:2] for a in accounts for p in a.champions})[:60],
        **probe,
    }
    with open(os.path.join(out, ".genvault.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(json.dumps({k: manifest[k] for k in ("accounts", "files", "bytes", "crlf_files")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
