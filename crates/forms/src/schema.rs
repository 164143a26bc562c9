//! The form as authored: fields in order, layout, per-node permissions (docs/forms.md).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A template's form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    /// Desktop layout columns: 1 or 2 (the phone always uses 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<u8>,
    /// Fields in order.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Per node key: field key → permission.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<String, BTreeMap<String, Perm>>,
}

/// What a viewer at a node may do with a field.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Perm {
    /// Shown and changeable.
    Edit,
    /// Shown only.
    Read,
    /// Never sent.
    Hidden,
}

/// The kinds of field.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 单行文本
    Text,
    /// 多行文本
    Textarea,
    /// 数字
    Number,
    /// 金额
    Money,
    /// 百分比
    Percent,
    /// 日期
    Date,
    /// 日期时间
    Datetime,
    /// 日期区间
    DateRange,
    /// 下拉单选
    Select,
    /// 下拉多选
    MultiSelect,
    /// 单选
    Radio,
    /// 多选
    Checkbox,
    /// 人员
    User,
    /// 部门
    Department,
    /// 附件
    Attachments,
    /// 图片
    Image,
    /// 电话
    Phone,
    /// 邮箱
    Email,
    /// 身份证号
    IdCard,
    /// 地址
    Address,
    /// 说明文字
    Description,
    /// 分组标题
    Section,
    /// 明细表
    Table,
    /// 计算公式
    Computed,
    /// 流水号
    Serial,
    /// 手写签名
    Signature,
    /// 关联审批
    Related,
    /// A kind this version does not know (refused by `check_form`).
    #[serde(other)]
    Unknown,
}

impl Kind {
    /// Kinds that hold no value of their own.
    pub fn is_display(self) -> bool {
        matches!(self, Kind::Description | Kind::Section | Kind::Serial)
    }

    /// Kinds a client never writes (display-only and computed).
    pub fn is_derived(self) -> bool {
        self.is_display() || self == Kind::Computed
    }

    /// Kinds allowed as table columns.
    pub fn in_tables(self) -> bool {
        matches!(
            self,
            Kind::Text
                | Kind::Textarea
                | Kind::Number
                | Kind::Money
                | Kind::Percent
                | Kind::Date
                | Kind::Datetime
                | Kind::Select
                | Kind::User
                | Kind::Department
                | Kind::Phone
                | Kind::Computed
        )
    }

    /// Number-valued kinds.
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Number | Kind::Money | Kind::Percent)
    }

    /// Kinds holding uploaded files.
    pub fn is_file(self) -> bool {
        matches!(self, Kind::Attachments | Kind::Image | Kind::Signature)
    }

    /// Kinds with `options`.
    pub fn has_options(self) -> bool {
        matches!(
            self,
            Kind::Select | Kind::MultiSelect | Kind::Radio | Kind::Checkbox
        )
    }
}

/// How a computed field is shown.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComputedFormat {
    /// A plain number.
    #[default]
    Number,
    /// Money, with the uppercase amount.
    Money,
}

/// How a date range's duration is counted.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    /// Working days on the tenant's calendar.
    #[default]
    WorkingDays,
    /// Every day.
    CalendarDays,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One field (or table column).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Identifier used in data and expressions.
    pub key: String,
    /// Shown name.
    pub label: String,
    /// What it holds.
    pub kind: Kind,
    /// Must have a value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Hint inside the input.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub placeholder: String,
    /// Text under the input.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// Initial value of a new form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub default: Option<serde_json::Value>,
    /// 2 = the full row in a two-column form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u8>,
    /// Shown (and validated) only when this expression is true.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub visible_when: String,
    /// Text length bounds in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Regular expression for the whole text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    /// Message when `pattern` fails.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pattern_message: String,
    /// No other live instance of the template has the same value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Numeric bounds, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Most digits after the point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    /// Fixed choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Several people or departments.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multiple: bool,
    /// File limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_mb: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<String>,
    /// Table columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub fields: Vec<Field>,
    /// Table row limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    /// Table columns summed under the table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub totals: Vec<String>,
    /// Computed: the expression.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expr: String,
    /// Computed: how it is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ComputedFormat>,
    /// Description text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
    /// Related: templates whose instances may be linked (ids; empty = any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<String>,
    /// Date range: how the duration is counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Older form of permissions: node keys where the field is hidden.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_at: Vec<String>,
}

/// The key under `permissions` for the initiator filling in the form (start and resubmission).
pub const START: &str = "start";

/// Default row limit of a table.
pub const MAX_ROWS: u32 = 200;
/// Default file count limit.
pub const MAX_FILES: u32 = 10;
/// Default size limit per file, in MB.
pub const MAX_SIZE_MB: f64 = 20.0;

impl Field {
    /// A field with only the essentials set.
    pub fn new(key: &str, label: &str, kind: Kind) -> Field {
        Field {
            key: key.into(),
            label: label.into(),
            kind,
            required: false,
            placeholder: String::new(),
            help: String::new(),
            default: None,
            span: None,
            visible_when: String::new(),
            min_length: None,
            max_length: None,
            pattern: String::new(),
            pattern_message: String::new(),
            unique: false,
            min: None,
            max: None,
            precision: None,
            options: Vec::new(),
            multiple: false,
            max_files: None,
            max_size_mb: None,
            accept: Vec::new(),
            fields: Vec::new(),
            min_rows: None,
            max_rows: None,
            totals: Vec::new(),
            expr: String::new(),
            format: None,
            content: String::new(),
            templates: Vec::new(),
            duration: None,
            hidden_at: Vec::new(),
        }
    }

    /// Digits after the point allowed (None: any).
    pub fn precision(&self) -> Option<u32> {
        self.precision.or(match self.kind {
            Kind::Money | Kind::Percent | Kind::Computed => Some(2),
            _ => None,
        })
    }

    /// Whether the value is money (a money field, or a computed field shown as money).
    pub fn is_money(&self) -> bool {
        self.kind == Kind::Money
            || (self.kind == Kind::Computed && self.format == Some(ComputedFormat::Money))
    }
}

impl FormSpec {
    /// The top-level field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Keys of the fields that hold data (what flow conditions may read).
    pub fn keys(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| !f.kind.is_display())
            .map(|f| f.key.clone())
            .collect()
    }

    /// The permission of `field` at `node` (`None`: at the start, for the initiator, where
    /// everything is editable unless `permissions["start"]` says otherwise).
    pub fn permission(&self, node: Option<&str>, field: &Field) -> Perm {
        let Some(node) = node else {
            return self
                .permissions
                .get(START)
                .and_then(|m| m.get(&field.key))
                .copied()
                .unwrap_or(Perm::Edit);
        };
        if let Some(p) = self.permissions.get(node).and_then(|m| m.get(&field.key)) {
            return *p;
        }
        if field.hidden_at.iter().any(|n| n == node) {
            return Perm::Hidden;
        }
        Perm::Read
    }

    /// Whether someone who acted at `nodes` sees the field: unless it is hidden at every one.
    pub fn visible_to(&self, nodes: &[&str], field: &Field) -> bool {
        nodes.is_empty()
            || nodes
                .iter()
                .any(|n| self.permission(Some(n), field) != Perm::Hidden)
    }
}
