//! Note templates: the vault's own in the templates folder (`System/Templates/QBR.md`, ...),
//! else built-in ones. Placeholders such as `{{account}}` and `{{date}}` are filled in; the
//! compiled sections (wins, risks, commitments, ...) fill a `{{wins}}`-style placeholder, or
//! the template's section with the same heading, or are appended.

use std::fmt::Write as _;

use crate::ide::TextSource;
use crate::syntax::SectionKind;
use crate::vault::{Vault, model::name_key};

/// The templates Dex can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateKind {
    /// An account's Overview page.
    AccountOverview,
    /// An account's Health page.
    HealthCheck,
    /// An account's Stakeholders page.
    Stakeholders,
    /// An account's Success Plan page.
    SuccessPlan,
    /// A quarterly business review.
    Qbr,
    /// An escalation brief.
    EscalationBrief,
    /// A case study interview.
    CaseStudyInterview,
    /// A save plan.
    SavePlan,
    /// A stakeholder's page.
    Person,
}

impl TemplateKind {
    /// Every template `dex init` writes.
    pub const ALL: [TemplateKind; 9] = [
        TemplateKind::AccountOverview,
        TemplateKind::HealthCheck,
        TemplateKind::Stakeholders,
        TemplateKind::SuccessPlan,
        TemplateKind::Qbr,
        TemplateKind::EscalationBrief,
        TemplateKind::CaseStudyInterview,
        TemplateKind::SavePlan,
        TemplateKind::Person,
    ];

    /// File name in the templates folder, without `.md`.
    pub fn file_stem(self) -> &'static str {
        match self {
            TemplateKind::AccountOverview => "Account Overview",
            TemplateKind::HealthCheck => "Health Check",
            TemplateKind::Stakeholders => "Stakeholders",
            TemplateKind::SuccessPlan => "Success Plan",
            TemplateKind::Qbr => "QBR",
            TemplateKind::EscalationBrief => "Escalation Brief",
            TemplateKind::CaseStudyInterview => "Case Study Interview",
            TemplateKind::SavePlan => "Save Plan",
            TemplateKind::Person => "Person",
        }
    }

    /// The built-in template text.
    pub fn builtin(self) -> &'static str {
        match self {
            TemplateKind::AccountOverview => ACCOUNT_OVERVIEW,
            TemplateKind::HealthCheck => HEALTH_CHECK,
            TemplateKind::Stakeholders => STAKEHOLDERS,
            TemplateKind::SuccessPlan => SUCCESS_PLAN,
            TemplateKind::Qbr => QBR,
            TemplateKind::EscalationBrief => ESCALATION_BRIEF,
            TemplateKind::CaseStudyInterview => CASE_STUDY_INTERVIEW,
            TemplateKind::SavePlan => SAVE_PLAN,
            TemplateKind::Person => PERSON,
        }
    }
}

/// A compiled section that a template may place.
#[derive(Clone, Debug)]
pub struct Section {
    /// Placeholder name: `{{wins}}` is written `wins`.
    pub placeholder: &'static str,
    /// Heading used when the section is appended or matched by title.
    pub title: &'static str,
    /// The standard section kind, to match a template heading such as "Concerns" to risks.
    pub kind: Option<SectionKind>,
    /// The section's body, ending with a newline.
    pub body: String,
}

/// The template text for `kind`: the vault's file when there is one, else the built-in one.
pub fn template_text(vault: &Vault, texts: &dyn TextSource, kind: TemplateKind) -> String {
    let prefix = format!("{}/", vault.config.templates_folder);
    let stem = kind.file_stem();
    [stem.to_string(), stem.replace(' ', "_")]
        .iter()
        .flat_map(|name| vault.notes_named(name))
        .find(|&&id| vault.note(id).is_some_and(|n| n.path.starts_with(&prefix)))
        .and_then(|&id| texts.text(vault, id))
        .map_or_else(|| kind.builtin().to_string(), |text| text.to_string())
}

/// Fills a template: `{{name}}` placeholders from `vars` (escaped as YAML inside the
/// frontmatter), then each section into its placeholder, else into the template's section with
/// a matching heading, else at the end.
pub fn render(template: &str, vars: &[(&str, String)], sections: &[Section]) -> String {
    let values: Vec<(&str, &str)> = vars
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let mut text = crate::syntax::yaml::fill_placeholders(&template.replace("\r\n", "\n"), &values);
    for section in sections {
        let placeholder = format!("{{{{{}}}}}", section.placeholder);
        if text.contains(&placeholder) {
            text = text.replace(&placeholder, section.body.trim_end());
        } else if let Some(filled) = fill_heading(&text, section) {
            text = filled;
        } else {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            let _ = write!(text, "\n## {}\n{}", section.title, section.body);
        }
    }
    let mut text = remove_unfilled(&text).trim_end().to_string();
    text.push('\n');
    text
}

/// Removes the `{{name}}` placeholders left in a filled template, so they show as empty values
/// and not as `{{...}}`, which YAML would read as a mapping.
pub fn remove_unfilled(text: &str) -> String {
    let unfilled = regex::Regex::new(r"\{\{\s*[a-z_]+\s*\}\}").expect("valid regex");
    unfilled.replace_all(text, "").into_owned()
}

/// Replaces the body of the template's section whose heading matches `section`.
fn fill_heading(text: &str, section: &Section) -> Option<String> {
    let summary = crate::syntax::parse(text);
    let heading = summary.headings.iter().find(|h| {
        section.kind.is_some_and(|k| h.section_kind() == Some(k))
            || name_key(&h.text) == name_key(section.title)
    })?;
    let body_start = text[heading.range.end as usize..]
        .find('\n')
        .map_or(text.len(), |i| heading.range.end as usize + i + 1);
    let end = summary
        .headings
        .iter()
        .find(|h| h.range.start > heading.range.start)
        .map_or(text.len(), |h| h.range.start as usize);
    let body_end = end.max(body_start);
    let mut out = String::with_capacity(text.len() + section.body.len());
    out.push_str(&text[..body_start]);
    out.push_str(&section.body);
    if body_end < text.len() {
        out.push('\n');
    }
    out.push_str(&text[body_end..]);
    Some(out)
}

const ACCOUNT_OVERVIEW: &str = "---
type: account
aliases: [{{account}}]
arr:
renewal_date:
csm:
domain:
tags: [account]
---
# {{account}}

What they do, what they bought, and why.

## Account Health
- NPS:
- Adoption:
- Renewal:
- ARR:
- Health:

## People
- Champion:
- Executive sponsor:
- Full map: [[{{folder}}/Stakeholders]]

## Notes
- Health history: [[{{folder}}/Health]]
- Plan: [[{{folder}}/Success_Plan]]
";

const HEALTH_CHECK: &str = "---
type: health
account: \"[[{{account}}]]\"
---
# {{account}} health

NPS::
Adoption::
Health::
Renewal::

## History
| Date | NPS | Adoption | Health | Note |
|------|-----|----------|--------|------|
| {{date}} |  |  |  | Account created |

## Signals
-
";

const STAKEHOLDERS: &str = "---
type: stakeholders
account: \"[[{{account}}]]\"
---
# {{account}} stakeholders

| Person | Role | Stance |
|--------|------|--------|
|  | champion |  |
|  | executive sponsor |  |

## Gaps
-
";

const SUCCESS_PLAN: &str = "---
type: success-plan
account: \"[[{{account}}]]\"
---
# {{account}} success plan

## Desired outcomes
- Outcome, in the customer's words:
- Measured by (metric, baseline, target, date):

## Milestones
- [ ] Kickoff and success criteria agreed 📅 {{date}}

## Risks
-

## Review cadence
- QBR every quarter; next one:
";

const QBR: &str = "---
date: {{date}}
account: \"[[{{account}}]]\"
type: qbr
tags: [qbr]
---
# {{date}} - QBR: {{account}}

## Executive summary
{{summary}}

## Account Health
{{health}}

## Health trend
{{trend}}

## Key Wins
{{wins}}

## Concerns
{{risks}}

## Commitments
{{commitments}}

## Stakeholders
{{stakeholders}}

## Renewal
{{renewal}}

## Expansion Opportunity
{{expansion}}

## Goals for next quarter
-

## Action Items
- [ ]
";

const ESCALATION_BRIEF: &str = "---
date: {{date}}
account: \"[[{{account}}]]\"
type: escalation
tags: [escalation]
---
# {{date}} - Escalation: {{account}}

- Level: account risk
- Raised by: {{csm}}
- Escalation owner: {{csm}}

## Account at a glance
{{glance}}

## Issue
{{issue}}

## Impact
{{impact}}

## Timeline
{{timeline}}

## Asks
{{asks}}

## Owners
{{owners}}

## Draft message to the customer
{{customer_message}}

## Draft message to internal leadership
{{internal_message}}
";

const CASE_STUDY_INTERVIEW: &str = "---
date: {{date}}
account: \"[[{{account}}]]\"
type: case-study
---
# {{date}} - Case study interview: {{account}}

## Before
- What did the team do before?
- What did it cost them (time, money, risk)?

## Decision
- Why did they choose us, and who decided?

## After
- What changed, in numbers?
- A quote we may use:

## Approval
- [ ] Quote approved by the customer
";

const SAVE_PLAN: &str = "---
date: {{date}}
account: \"[[{{account}}]]\"
type: save-plan
tags: [save-plan]
---
# {{date}} - Save plan: {{account}}

## Situation
{{situation}}

## Risks and mitigations
{{risks}}

## Stakeholders and executive engagement
{{stakeholders}}

## Save team
{{team}}

## Milestones
{{milestones}}

## Success criteria
{{criteria}}

## Walk-away trigger
- If the economic buyer will not meet before the last milestone, escalate to leadership and plan for churn.

## Review cadence
- Weekly until the renewal is signed.
";

const PERSON: &str = "---
type: person
role:
account: \"[[{{account}}]]\"
email:
status:
---
# {{name}}

- How we met:
- What they care about:
";
