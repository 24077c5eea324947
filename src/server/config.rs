//! Settings sent by the editor (`initializationOptions` and `workspace/configuration`, section
//! `dex`), and how they combine with the vault's `.dex.toml`.
//!
//! The vault file decides what the vault means (folders); editor settings decide presentation
//! (which diagnostics show and how loudly) and may pin "today" and the time zone for the user.

use std::collections::HashMap;

use serde::Deserialize;

use crate::vault::{Config, Severity, config::parse_date};

/// The `dex` settings section as the editor sends it. Every field is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientSettings {
    /// Fixed "today" (`YYYY-MM-DD`).
    pub today: Option<String>,
    /// IANA time zone for "today".
    pub timezone: Option<String>,
    /// Diagnostics switches.
    pub diagnostics: DiagnosticsSettings,
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
