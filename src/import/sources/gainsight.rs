//! Gainsight and `ChurnZero` company export CSVs: ARR, MRR, renewal date, CSM, stage, status,
//! the current and previous health score, and the company's NPS (as `account_nps`, apart from the
//! 0 to 10 NPS of one response that notes record).
//!
//! Vendor scores are converted to 0 to 100 with higher meaning healthier, from the scale and
//! direction set under `[import.<source>]` (`score_scale`, `higher_is_healthier`), because
//! `ChurnZero` customers configure their score either way round.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use super::{Expected, field, open_csv, warn_repeated_account};
use crate::import::block::{Block, Cell, Frame};
use crate::import::csvin::{Columns, FieldSpec, Row};
use crate::import::frontmatter::{Policy, Value};
use crate::import::matching::Query;
use crate::import::report::{Messages, excerpt};
use crate::import::values::{
    format_amount, format_money, parse_count, parse_date, parse_money, parse_number,
};
use crate::import::{ByAccount, Context, ImportError, Parsed, Source};

const FIELDS: [FieldSpec; 14] = [
    field(
        "gsid",
        &[
            "GSID",
            "Gsid",
            "Company GSID",
            "Company ID",
            "ChurnZero Account ID",
            "Account ID",
        ],
    ),
    field(
        "sfdc_id",
        &[
            "SFDC Account ID",
            "Salesforce Account ID",
            "Account External ID",
            "External ID",
            "CRM ID",
        ],
    ),
    field(
        "name",
        &["Name", "Company Name", "Company", "Account Name", "Account"],
    ),
    field("arr", &["ARR", "Annual Recurring Revenue", "Total ARR"]),
    field("mrr", &["MRR", "Monthly Recurring Revenue"]),
    field(
        "renewal",
        &["Renewal Date", "Next Renewal Date", "Contract End Date"],
    ),
    field(
        "csm",
        &[
            "CSM",
            "CSM Name",
            "Csm Name",
            "Customer Success Manager",
            "Account Owner",
        ],
    ),
    field("stage", &["Stage", "Lifecycle Stage"]),
    field("status", &["Status", "Account Status"]),
    field(
        "current",
        &[
            "Current Score",
            "Overall Score",
            "Health Score",
            "ChurnScore",
            "Churn Score",
            "Score",
        ],
    ),
    field(
        "previous",
        &[
            "Previous Score",
            "Previous Health Score",
            "Previous ChurnScore",
        ],
    ),
    field("nps", &["NPS", "NPS Score"]),
    field("industry", &["Industry"]),
    field("employees", &["Employees", "Number of Employees"]),
];

const METRICS: [&str; 5] = ["arr", "mrr", "renewal", "current", "nps"];

/// One company row's values, after parsing.
#[derive(Debug, Default)]
struct Company {
    gsid: Option<Cell>,
    arr: Option<f64>,
    mrr: Option<f64>,
    renewal: Option<NaiveDate>,
    csm: Option<Cell>,
    stage: Option<Cell>,
    status: Option<Cell>,
    score: Option<f64>,
    previous: Option<f64>,
    nps: Option<f64>,
    industry: Option<Cell>,
    employees: Option<u64>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let what = format!("a {} company export", ctx.source.title());
    let expected = Expected {
        description: &what,
        required: &[],
        any_of: &METRICS,
        names: &[],
    };
    let mut opened = Vec::new();
    for path in files {
        let export = open_csv(path, &FIELDS, &expected, ctx)?;
        if !export.columns.has("gsid") && !export.columns.has("name") {
            return Err(ImportError::Refused {
                file: path.display().to_string(),
                message: format!("not {what}: missing columns GSID or Name"),
            });
        }
        opened.push(export);
    }
    let names: Vec<String> = opened.iter().map(|export| export.file.clone()).collect();
    let frame = block_frame(ctx, &names);
    // The line of each account's row, to name both rows when an account has two.
    let mut lines: ByAccount<(usize, u64)> = ByAccount::for_accounts(ctx.matcher.accounts.len());
    for (number, export) in opened.into_iter().enumerate() {
        let at = CompanyColumns::of(&export.columns);
        export.read_rows(parsed, |row, _, file, messages, parsed| {
            let line = row.line;
            let gsid = row.cell(at.gsid, messages);
            let name = row.cell(at.name, messages);
            if gsid.is_none() && name.is_none() {
                messages.error(
                    "missing-name",
                    line,
                    Some(row.header(at.name).unwrap_or("Name")),
                    "row has neither a GSID nor a company name; row skipped".to_string(),
                );
                parsed.rows_rejected += 1;
                return;
            }
            // `ChurnZero` account ids are not Gainsight ids, so only Gainsight's are matched.
            let own_id = gsid.as_deref().filter(|_| ctx.source == Source::Gainsight);
            let sfdc_id = row.text(at.sfdc_id, messages);
            let query = || {
                let mut query = Query::default();
                (query.ids).extend(own_id.map(|id| ("gainsight_id", id.to_string())));
                (query.ids).extend(
                    sfdc_id
                        .as_deref()
                        .map(|id| ("salesforce_id", id.to_string())),
                );
                query.names.extend(name.map(String::from));
                query
            };
            let by_id = [
                ("gainsight_id", own_id),
                ("salesforce_id", sfdc_id.as_deref()),
            ];
            let Some(account) = ctx.resolve_id_first(&by_id, query, file, line, parsed) else {
                return;
            };
            let earlier_row = lines.get(account).copied();
            *lines.entry(account) = (number, line);
            if let Some((earlier_file, earlier)) = earlier_row {
                let folder = &ctx.matcher.accounts[account].folder;
                let earlier = (names[earlier_file].as_str(), earlier);
                warn_repeated_account(messages, (file, line), earlier, folder);
            }
            let company = parse_company(row, &at, gsid, ctx, messages);
            // The last row of an account gives its values.
            write_company(parsed.updates.entry(account), company, ctx, &frame);
        });
    }
    Ok(())
}

/// The column of each field in one export, looked up once per file.
struct CompanyColumns {
    gsid: Option<usize>,
    sfdc_id: Option<usize>,
    name: Option<usize>,
    arr: Option<usize>,
    mrr: Option<usize>,
    renewal: Option<usize>,
    csm: Option<usize>,
    stage: Option<usize>,
    status: Option<usize>,
    current: Option<usize>,
    previous: Option<usize>,
    nps: Option<usize>,
    industry: Option<usize>,
    employees: Option<usize>,
}

impl CompanyColumns {
    fn of(columns: &Columns) -> CompanyColumns {
        CompanyColumns {
            gsid: columns.get("gsid"),
            sfdc_id: columns.get("sfdc_id"),
            name: columns.get("name"),
            arr: columns.get("arr"),
            mrr: columns.get("mrr"),
            renewal: columns.get("renewal"),
            csm: columns.get("csm"),
            stage: columns.get("stage"),
            status: columns.get("status"),
            current: columns.get("current"),
            previous: columns.get("previous"),
            nps: columns.get("nps"),
            industry: columns.get("industry"),
            employees: columns.get("employees"),
        }
    }
}

/// Builds what the blocks of a run share, naming the exports `files`, with the note on scores.
fn block_frame(ctx: &Context<'_>, files: &[String]) -> Arc<Frame> {
    let title = ctx.source.title();
    let direction = if ctx.config.higher_is_healthier {
        "higher"
    } else {
        "lower"
    };
    let note = format!(
        "Health scores are on a 0 to 100 scale where higher is healthier, converted from {title}'s \
         0 to {} scale where {direction} is healthier.",
        format_amount(ctx.config.score_scale)
    );
    let mut frame = ctx.frame(
        format!("Customer success (imported from {title})"),
        &[
            "ARR",
            "MRR",
            "Health score",
            "Previous score",
            "Account NPS",
            "Stage",
            "Status",
        ],
        true,
        files,
    );
    Arc::make_mut(&mut frame).notes.push(note);
    frame
}

/// Parses the values of one company row; a value that cannot be read is left out with a
/// warning.
fn parse_company(
    row: &Row<'_>,
    at: &CompanyColumns,
    gsid: Option<Cell>,
    ctx: &Context<'_>,
    messages: &mut Messages,
) -> Company {
    let line = row.line;
    let mut text = |column: Option<usize>| row.text(column, messages);
    let arr = text(at.arr);
    let mrr = text(at.mrr);
    let renewal = text(at.renewal);
    let current = text(at.current);
    let previous = text(at.previous);
    let nps = text(at.nps);
    let employees = text(at.employees);
    let mut owned = |column: Option<usize>| text(column).map(Cell::from);
    let mut company = Company {
        gsid,
        csm: owned(at.csm),
        stage: owned(at.stage),
        status: owned(at.status),
        industry: owned(at.industry),
        ..Company::default()
    };
    // Messages name the column as the file writes it, or the usual header when it has none.
    let header = |column: Option<usize>, usual: &'static str| row.header(column).unwrap_or(usual);
    let mut warn = |header: &str, err: String| {
        messages.warning(
            "invalid-value",
            line,
            Some(header),
            format!("{err}; left out"),
        );
    };
    let mut read =
        |text: Option<Cow<'_, str>>, header: &str, parse: &dyn Fn(&str) -> Result<f64, String>| {
            let text = text?;
            parse(&text).map_err(|err| warn(header, err)).ok()
        };
    let amount = |text: &str| {
        let value = parse_money(text)?;
        if value < 0.0 {
            return Err(format!("negative amount `{}`", excerpt(text)));
        }
        Ok(value)
    };
    let scale = ctx.config.score_scale;
    let score = |text: &str| {
        let value = parse_number(text)?;
        if !(0.0..=scale).contains(&value) {
            return Err(format!(
                "value `{}` is outside the 0 to {} scale (`score_scale`)",
                excerpt(text),
                format_amount(scale)
            ));
        }
        Ok(value)
    };
    // The company's Net Promoter Score, % promoters minus % detractors.
    let nps_score = |text: &str| {
        let value = parse_number(text)?;
        if !(-100.0..=100.0).contains(&value) {
            return Err(format!(
                "value `{}` is outside -100 to 100, the range of a Net Promoter Score",
                excerpt(text)
            ));
        }
        Ok(value)
    };
    company.arr = read(arr, header(at.arr, "ARR"), &amount);
    company.mrr = read(mrr, header(at.mrr, "MRR"), &amount);
    company.score = read(current, header(at.current, "Current Score"), &score);
    company.previous = read(previous, header(at.previous, "Previous Score"), &score);
    company.nps = read(nps, header(at.nps, "NPS"), &nps_score);
    #[allow(
        clippy::cast_precision_loss,
        reason = "employee counts are far below 2^52"
    )]
    let count = |text: &str| parse_count(text).map(|n| n as f64);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a count read above"
    )]
    {
        company.employees =
            read(employees, header(at.employees, "Employees"), &count).map(|n| n as u64);
    }
    let order = ctx.config.date_order;
    if let Some(text) = renewal {
        match parse_date(&text, order) {
            Ok(date) => company.renewal = Some(date),
            Err(err) => messages.warning(
                "invalid-value",
                line,
                Some(header(at.renewal, "Renewal Date")),
                format!("{}; left out", err.message(ctx.source.slug())),
            ),
        }
    }
    company
}

/// Converts a vendor score to 0 to 100, higher meaning healthier.
fn normalize(score: f64, ctx: &Context<'_>) -> f64 {
    let fraction = (score / ctx.config.score_scale).clamp(0.0, 1.0);
    let healthy = if ctx.config.higher_is_healthier {
        fraction
    } else {
        1.0 - fraction
    };
    (healthy * 100.0).round()
}

fn write_company(
    update: &mut crate::import::AccountUpdate,
    company: Company,
    ctx: &Context<'_>,
    frame: &Arc<Frame>,
) {
    let score = company.score.map(|s| normalize(s, ctx));
    let previous = company.previous.map(|s| normalize(s, ctx));
    let row = vec![
        company.arr.map(format_money).unwrap_or_default(),
        company.mrr.map(format_money).unwrap_or_default(),
        score.map(format_amount).unwrap_or_default(),
        previous.map(format_amount).unwrap_or_default(),
        company.nps.map(format_amount).unwrap_or_default(),
        company.stage.clone().unwrap_or_default(),
        company.status.clone().unwrap_or_default(),
    ];
    update.block = Some(Block::new(frame, vec![(ctx.today, row)]));
    let gsid = match ctx.source {
        Source::Gainsight => company.gsid.map(Value::Text),
        _ => None,
    };
    #[allow(
        clippy::cast_precision_loss,
        reason = "employee counts are far below 2^52"
    )]
    let values = [
        ("gainsight_id", gsid, Policy::FillIn),
        ("arr", company.arr.map(Value::Number), Policy::Owned),
        ("mrr", company.mrr.map(Value::Number), Policy::Owned),
        (
            "renewal_date",
            company.renewal.map(Value::Date),
            Policy::Owned,
        ),
        ("csm", company.csm.map(Value::Text), Policy::Owned),
        ("stage", company.stage.map(Value::Text), Policy::Owned),
        ("status", company.status.map(Value::Text), Policy::Owned),
        ("health_score", score.map(Value::Number), Policy::Owned),
        (
            "health_score_previous",
            previous.map(Value::Number),
            Policy::Owned,
        ),
        ("account_nps", company.nps.map(Value::Number), Policy::Owned),
        ("industry", company.industry.map(Value::Text), Policy::Owned),
        (
            "employees",
            company.employees.map(|e| Value::Number(e as f64)),
            Policy::Owned,
        ),
    ];
    // Each row replaces what an earlier row of the account set.
    let present = values.into_iter();
    update.set_all(present.filter_map(|(key, value, policy)| Some((key, value?, policy))));
}
