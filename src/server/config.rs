//! Settings sent by the editor (`initializationOptions` and `workspace/configuration`, section
//! `dex`), and how they combine with the vault's `.dex.toml`.
//!
//! The vault file decides what the vault means (folders); editor settings decide presentation
//! (which diagnostics show and how loudly) and may pin "today" and the time zone for the user.

use std::collections::HashMap;

use serde::Deserialize;

use serde_json::{Value, json};

use crate::ide::diagnostics::codes;
use crate::vault::config::{
    HEALTH_MEASURES, HealthWeights, check_bands, check_windows, parse_date,
};
use crate::vault::{Config, Severity};

/// The editor settings as a JSON object of `key → JSON schema`, in the shape of a VS Code
/// `contributes.configuration.properties` block. Generated from the same defaults the server
/// uses, so editor packages can check their settings against it.
pub fn settings_schema() -> Value {
    let defaults = Config::default();
    let severities = ["error", "warning", "information", "hint", "off"];
    let severity_properties: serde_json::Map<String, Value> = codes::ALL
        .iter()
        .map(|(code, severity)| {
            let default = match severity {
                Severity::Information => "information",
                other => other.as_str(),
            };
            (
                code.to_string(),
                json!({ "type": "string", "enum": severities, "default": default }),
            )
        })
        .collect();
    let weights = HealthWeights::default();
    let weight_properties: serde_json::Map<String, Value> = HEALTH_MEASURES
        .iter()
        .map(|m| {
            (
                m.to_string(),
                json!({ "type": "number", "minimum": 0, "default": weights.get(m) }),
            )
        })
        .collect();
    json!({
        "dex.today": {
            "type": ["string", "null"],
            "default": null,
            "pattern": "^\\d{4}-\\d{2}-\\d{2}$",
            "scope": "resource",
            "markdownDescription": "Treat this date (`YYYY-MM-DD`) as today for overdue and renewal checks. The `--today` flag and the `DEX_TODAY` variable take precedence."
        },
        "dex.timezone": {
            "type": ["string", "null"],
            "default": null,
            "scope": "resource",
            "markdownDescription": "IANA time zone (such as `Europe/Berlin`) used to compute today's date. Default: the machine's zone."
        },
        "dex.diagnostics.enabled": {
            "type": "boolean",
            "default": defaults.diagnostics_enabled,
            "scope": "resource",
            "markdownDescription": "Report diagnostics (overdue commitments, broken links, renewals, risks)."
        },
        "dex.diagnostics.severity": {
            "type": "object",
            "default": {},
            "properties": severity_properties,
            "additionalProperties": { "type": "string", "enum": severities },
            "scope": "resource",
            "markdownDescription": "Severity per diagnostic code; `off` hides the diagnostic."
        },
        "dex.health.weights": {
            "type": "object",
            "default": {},
            "properties": weight_properties,
            "additionalProperties": false,
            "scope": "resource",
            "markdownDescription": "Weight of each health score measure; measures without data are left out and the rest are normalised."
        },
        "dex.health.bands": {
            "type": "object",
            "default": {},
            "properties": {
                "red": { "type": "integer", "minimum": 0, "maximum": 100, "default": defaults.bands.0 },
                "yellow": { "type": "integer", "minimum": 0, "maximum": 100, "default": defaults.bands.1 }
            },
            "additionalProperties": false,
            "scope": "resource",
            "markdownDescription": "Band limits: a score up to `red` is red, up to `yellow` is yellow, above is green."
        },
        "dex.renewal.windows": {
            "type": "array",
            "items": { "type": "integer", "minimum": 1 },
            "default": defaults.renewal_windows,
            "scope": "resource",
            "markdownDescription": "Days before a renewal that open a planning window."
        }
    })
}

/// The `dex` settings section as the editor sends it. Every field is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientSettings {
    /// Fixed "today" (`YYYY-MM-DD`).
    pub today: Option<String>,
    /// IANA time zone for "today".
    pub timezone: Option<String>,
    /// Diagnostics switches.
    pub diagnostics: DiagnosticsSettings,
    /// Health score weights and bands.
    pub health: HealthSettings,
    /// Renewal planning windows.
    pub renewal: RenewalSettings,
}

/// `dex.health` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct HealthSettings {
    /// Weight per measure.
    pub weights: HashMap<String, f64>,
    /// Band limits.
    pub bands: BandSettings,
}

/// `dex.health.bands` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct BandSettings {
    /// Highest red score.
    pub red: Option<u32>,
    /// Highest yellow score.
    pub yellow: Option<u32>,
}

/// `dex.renewal` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct RenewalSettings {
    /// Days before renewal that open a planning window.
    pub windows: Option<Vec<u32>>,
}

/// `dex.diagnostics` settings.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct DiagnosticsSettings {
    /// Turns all diagnostics off when `false`.
    pub enabled: Option<bool>,
    /// Severity per diagnostic code (`error`, `warning`, `information`, `hint`, `off`).
    pub severity: HashMap<String, String>,
}

impl ClientSettings {
    /// Reads settings from JSON; accepts both `{ "dex": {...} }` and the bare section.
    pub fn from_json(value: &serde_json::Value) -> Result<ClientSettings, String> {
        let section = value.get("dex").unwrap_or(value);
        if section.is_null() {
            return Ok(ClientSettings::default());
        }
        serde_json::from_value(section.clone())
            .map_err(|err| format!("invalid dex settings: {err}"))
    }

    /// Applies the editor settings on top of the vault file's configuration.
    pub fn apply(&self, file: &Config) -> Result<Config, String> {
        let mut config = file.clone();
        if let Some(today) = &self.today {
            config.today = Some(parse_date(today).map_err(|err| format!("dex.today: {err}"))?);
        }
        if let Some(zone) = &self.timezone {
            config.timezone = Some(
                zone.parse()
                    .map_err(|_| format!("dex.timezone: unknown time zone `{zone}`"))?,
            );
        }
        if let Some(enabled) = self.diagnostics.enabled {
            config.diagnostics_enabled = enabled;
        }
        for (code, name) in &self.diagnostics.severity {
            let severity = Severity::parse(name).ok_or_else(|| {
                format!("dex.diagnostics.severity.{code}: invalid severity `{name}`")
            })?;
            config.severity.insert(code.clone(), severity);
        }
        config
            .health_weights
            .apply(&self.health.weights, "dex.health.weights")?;
        let red = self.health.bands.red.unwrap_or(config.bands.0);
        let yellow = self.health.bands.yellow.unwrap_or(config.bands.1);
        check_bands(red, yellow, "dex.health.bands")?;
        config.bands = (red, yellow);
        if let Some(windows) = &self.renewal.windows {
            config.renewal_windows = check_windows(windows, "dex.renewal.windows")?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_settings_override_the_file() {
        let settings = ClientSettings::from_json(&serde_json::json!({
            "dex": { "today": "2026-03-15", "diagnostics": { "severity": { "overdue": "hint" } } }
        }))
        .unwrap();
        let config = settings.apply(&Config::default()).unwrap();
        assert_eq!(config.today.unwrap().to_string(), "2026-03-15");
        assert_eq!(config.severity["overdue"], Severity::Hint);
    }

    #[test]
    fn schema_defaults_are_valid_settings() {
        let schema = settings_schema();
        let mut settings = serde_json::Map::new();
        for (key, property) in schema.as_object().unwrap() {
            let path: Vec<&str> = key.trim_start_matches("dex.").split('.').collect();
            let mut node = &mut settings;
            for part in &path[..path.len() - 1] {
                node = node
                    .entry(*part)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .unwrap();
            }
            node.insert(
                path[path.len() - 1].to_string(),
                property["default"].clone(),
            );
        }
        let parsed = ClientSettings::from_json(&Value::Object(settings)).unwrap();
        let config = parsed.apply(&Config::default()).unwrap();
        assert_eq!(config.renewal_windows, [120, 90, 60, 30]);
        assert_eq!(config.bands, (50, 75));
    }

    #[test]
    fn health_and_renewal_settings_apply() {
        let settings = ClientSettings::from_json(&json!({
            "health": { "weights": { "nps": 5 }, "bands": { "red": 30 } },
            "renewal": { "windows": [60] }
        }))
        .unwrap();
        let config = settings.apply(&Config::default()).unwrap();
        assert!((config.health_weights.get("nps") - 5.0).abs() < f64::EPSILON);
        assert_eq!(config.bands, (30, 75));
        assert_eq!(config.renewal_windows, [60]);
        let bad = ClientSettings::from_json(&json!({ "renewal": { "windows": [0] } })).unwrap();
        assert!(
            bad.apply(&Config::default())
                .unwrap_err()
                .contains("dex.renewal.windows")
        );
    }

    #[test]
    fn invalid_settings_name_the_key() {
        let settings = ClientSettings {
            today: Some("soon".into()),
            ..ClientSettings::default()
        };
        assert!(
            settings
                .apply(&Config::default())
                .unwrap_err()
                .contains("dex.today")
        );
    }
}
