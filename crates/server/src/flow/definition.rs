//! A template's form (the `xietong-forms` schema) and definition (tree or BPMN), checked
//! through the engine.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xietong_engine::{FlowDefinition, bpmn, tree};

use super::serial::{SerialPattern, SerialReset};
use crate::error::{AppError, FieldError, Text};

pub use xietong_forms::{Field as FormField, FormSpec};

/// The form's own problems (keys, kinds, options, tables, formulas, permissions) as field errors.
pub fn check_form_spec(form: &FormSpec, errors: &mut Vec<FieldError>) {
    errors.extend(
        xietong_forms::check_form(form)
            .into_iter()
            .map(|i| FieldError::new(i.field, i.code, Text::owned(i.zh, i.en))),
    );
}

/// How a template is drawn: the designer's tree, or BPMN 2.0 XML.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DefinitionInput {
    /// The nested tree (approver → condition branches → parallel branches → cc).
    Tree {
        #[schema(value_type = Object)]
        tree: serde_json::Value,
    },
    /// BPMN 2.0 XML.
    Bpmn { bpmn: String },
}

impl DefinitionInput {
    pub fn kind(&self) -> &'static str {
        match self {
            DefinitionInput::Tree { .. } => "tree",
            DefinitionInput::Bpmn { .. } => "bpmn",
        }
    }
    /// The stored text of the definition.
    pub fn text(&self) -> String {
        match self {
            DefinitionInput::Tree { tree } => tree.to_string(),
            DefinitionInput::Bpmn { bpmn } => bpmn.clone(),
        }
    }
    pub fn from_stored(kind: &str, text: &str) -> Option<DefinitionInput> {
        match kind {
            "tree" => serde_json::from_str(text)
                .ok()
                .map(|tree| DefinitionInput::Tree { tree }),
            "bpmn" => Some(DefinitionInput::Bpmn {
                bpmn: text.to_string(),
            }),
            _ => None,
        }
    }
}

fn definition_error(errors: Vec<String>) -> AppError {
    let text = errors.join("; ");
    AppError::validation(vec![FieldError::new(
        "definition",
        "flow.definition_invalid",
        Text::owned(
            format!("流程定义有误：{text}"),
            format!("The flow definition is invalid: {text}"),
        ),
    )])
    .with_details(serde_json::json!({ "errors": errors }))
}

/// Compiles the definition with the form's field keys, so conditions naming unknown fields fail.
pub fn compile(
    input: &DefinitionInput,
    key: &str,
    fields: Vec<String>,
) -> Result<FlowDefinition, AppError> {
    match input {
        DefinitionInput::Tree { tree } => {
            if tree.to_string().len() > 1_000_000 {
                return Err(definition_error(vec!["too large".into()]));
            }
            let mut t: tree::FlowTree = serde_json::from_value(tree.clone())
                .map_err(|e| definition_error(vec![e.to_string()]))?;
            if t.key.is_empty() {
                t.key = key.to_string();
            }
            t.fields = fields;
            tree::compile(&t)
                .map_err(|errs| definition_error(errs.iter().map(|e| e.to_string()).collect()))
        }
        DefinitionInput::Bpmn { bpmn } => {
            if bpmn.len() > 2_000_000 {
                return Err(definition_error(vec!["too large".into()]));
            }
            let def = bpmn::load(bpmn).map_err(|e| definition_error(vec![e.to_string()]))?;
            let mut graph = def.graph().clone();
            graph.fields = fields;
            FlowDefinition::new(graph)
                .map_err(|errs| definition_error(errs.iter().map(|e| e.to_string()).collect()))
        }
    }
}

/// Template settings beyond name and category.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateSettings {
    /// Who may start: empty lists mean everyone.
    pub starter_users: Vec<uuid::Uuid>,
    pub starter_departments: Vec<uuid::Uuid>,
    pub starter_roles: Vec<crate::auth::access::Role>,
    /// Flow administrators (流程管理员) of this template.
    pub admins: Vec<uuid::Uuid>,
    /// e.g. `HT-{yyyy}{MM}-{seq:4}`.
    pub serial_pattern: String,
    pub serial_reset: SerialReset,
    /// e.g. `{initiator}的{template}-{amount}`.
    pub title_template: String,
    /// Form fields shown on todo cards.
    pub summary_fields: Vec<String>,
    /// Several todos of this template may be approved at once.
    pub allow_bulk_approve: bool,
    /// Leaders in charge of the initiator's department may read instances.
    pub visible_to_leaders: bool,
}

impl TemplateSettings {
    pub fn validate(&self, form: &FormSpec, errors: &mut Vec<FieldError>) {
        if !self.serial_pattern.is_empty() && SerialPattern::parse(&self.serial_pattern).is_err() {
            errors.push(FieldError::new(
                "settings.serial_pattern",
                "flow.serial_pattern",
                Text::fixed(
                    "流水号格式有误：可用 {yyyy} {yy} {MM} {dd} 和一个 {seq:N}",
                    "Invalid serial pattern: use {yyyy} {yy} {MM} {dd} and exactly one {seq:N}",
                ),
            ));
        }
        let keys = form.keys();
        for f in &self.summary_fields {
            if !keys.contains(f) {
                errors.push(FieldError::new(
                    "settings.summary_fields",
                    "flow.unknown_field",
                    Text::owned(
                        format!("摘要字段「{f}」不在表单中"),
                        format!("Summary field \"{f}\" is not in the form"),
                    ),
                ));
            }
        }
        let mut rest = self.title_template.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            if !["initiator", "template", "department", "date"].contains(&name)
                && !keys.iter().any(|k| k == name)
            {
                errors.push(FieldError::new(
                    "settings.title_template",
                    "flow.unknown_field",
                    Text::owned(
                        format!("标题模板中的「{{{name}}}」不是表单字段"),
                        format!("\"{{{name}}}\" in the title template is not a form field"),
                    ),
                ));
            }
            rest = &rest[open + close + 1..];
        }
        if self.title_template.chars().count() > 200 {
            errors.push(FieldError::new(
                "settings.title_template",
                "flow.title_template",
                Text::fixed("标题模板过长", "Title template is too long"),
            ));
        }
    }
}
