//! Who acts on a node: participant rules as data, resolved through the server's `OrgDirectory`.

use crate::ids::{DeptId, UserId};
use serde::{Deserialize, Serialize};

/// One rule naming who acts; a node's participants are the union of its rules, in order.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParticipantRule {
    /// These users.
    Users {
        /// Who.
        users: Vec<UserId>,
    },
    /// Everyone holding a role.
    Role {
        /// Role key.
        role: String,
    },
    /// Everyone holding a post (岗位).
    Post {
        /// Post key.
        post: String,
    },
    /// The initiator's supervisors, level 1 up to `levels`, one after another: 层级 never skips a
    /// level, so a chain of N levels yields N approvers in order (a vacancy ends the chain).
    Supervisor {
        /// How many levels up.
        levels: u8,
    },
    /// The head of a department.
    DepartmentHead {
        /// Which department.
        #[serde(default)]
        department: DepartmentSource,
    },
    /// The leader in charge (分管领导) of the initiator's department.
    LeaderInCharge,
    /// Members of a department, optionally with its sub-departments.
    DepartmentMembers {
        /// Which department.
        department: DeptId,
        /// Include sub-departments.
        #[serde(default)]
        include_sub: bool,
    },
    /// Chosen by the initiator at start (自选).
    InitiatorChosen,
    /// The user(s) in a form field of type user.
    FormUserField {
        /// Field name.
        field: String,
    },
    /// The initiator.
    Initiator,
}

/// Where a department comes from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, Default)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum DepartmentSource {
    /// The initiator's department.
    #[default]
    Initiator,
    /// A department field of the form.
    FormField {
        /// Field name.
        field: String,
    },
}

/// The organisation as the engine needs it. The server implements it over its database, most
/// simply from data loaded for the instance before calling the engine, so the engine stays pure
/// and synchronous.
pub trait OrgDirectory {
    /// The user's direct supervisor, if any.
    fn supervisor(&self, user: &UserId) -> Option<UserId>;
    /// The user's (main) department.
    fn department_of(&self, user: &UserId) -> Option<DeptId>;
    /// The head of a department.
    fn department_head(&self, dept: &DeptId) -> Option<UserId>;
    /// The leader in charge (分管领导) of a department.
    fn leader_in_charge(&self, dept: &DeptId) -> Option<UserId>;
    /// Everyone holding a role.
    fn members_of_role(&self, role: &str) -> Vec<UserId>;
    /// Everyone holding a post.
    fn members_of_post(&self, post: &str) -> Vec<UserId>;
    /// Members of a department, with its sub-departments when asked.
    fn members_of_department(&self, dept: &DeptId, include_sub: bool) -> Vec<UserId>;

    /// Who stands in for `user` while they are away (out-of-office delegation, 委托): the server
    /// answers for this instance's template at the command's time, with chains already followed
    /// to their end. `None` when they are in.
    fn stand_in(&self, _user: &UserId) -> Option<UserId> {
        None
    }

    /// The supervisor chain of `user`, nearest first, at most `levels` long.
    fn supervisor_chain(&self, user: &UserId, levels: u8) -> Vec<UserId> {
        let mut chain: Vec<UserId> = Vec::new();
        let mut current = user.clone();
        for _ in 0..levels {
            match self.supervisor(&current) {
                // a cycle in bad org data must not loop forever
                Some(next) if next != *user && !chain.contains(&next) => {
                    chain.push(next.clone());
                    current = next;
                }
                _ => break,
            }
        }
        chain
    }
}

/// What a rule needs besides the org: the initiator, their choices, the form.
pub struct RuleInputs<'a> {
    /// Who started the instance.
    pub initiator: &'a UserId,
    /// Users the initiator chose for this node.
    pub chosen: &'a [UserId],
    /// The instance's form data.
    pub form: &'a serde_json::Map<String, serde_json::Value>,
}

fn users_in_field(value: Option<&serde_json::Value>) -> Vec<UserId> {
    match value {
        Some(serde_json::Value::String(s)) if !s.is_empty() => vec![UserId::from(s.as_str())],
        Some(serde_json::Value::Array(items)) => {
            items.iter().flat_map(|v| users_in_field(Some(v))).collect()
        }
        Some(serde_json::Value::Object(o)) => users_in_field(o.get("id")),
        _ => Vec::new(),
    }
}

/// Resolves rules to users, in rule order, without duplicates.
pub fn resolve(
    rules: &[ParticipantRule],
    inputs: &RuleInputs<'_>,
    org: &dyn OrgDirectory,
) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    let mut add = |users: Vec<UserId>| {
        for u in users {
            if !out.contains(&u) {
                out.push(u);
            }
        }
    };
    let initiator_dept = || org.department_of(inputs.initiator);
    for rule in rules {
        match rule {
            ParticipantRule::Users { users } => add(users.clone()),
            ParticipantRule::Role { role } => add(org.members_of_role(role)),
            ParticipantRule::Post { post } => add(org.members_of_post(post)),
            ParticipantRule::Supervisor { levels } => {
                add(org.supervisor_chain(inputs.initiator, *levels))
            }
            ParticipantRule::DepartmentHead { department } => {
                let dept = match department {
                    DepartmentSource::Initiator => initiator_dept(),
                    DepartmentSource::FormField { field } => match inputs.form.get(field) {
                        Some(serde_json::Value::String(s)) => Some(DeptId::from(s.as_str())),
                        Some(serde_json::Value::Object(o)) => {
                            o.get("id").and_then(|v| v.as_str()).map(DeptId::from)
                        }
                        _ => None,
                    },
                };
                add(dept
                    .and_then(|d| org.department_head(&d))
                    .into_iter()
                    .collect());
            }
            ParticipantRule::LeaderInCharge => add(initiator_dept()
                .and_then(|d| org.leader_in_charge(&d))
                .into_iter()
                .collect()),
            ParticipantRule::DepartmentMembers {
                department,
                include_sub,
            } => add(org.members_of_department(department, *include_sub)),
            ParticipantRule::InitiatorChosen => add(inputs.chosen.to_vec()),
            ParticipantRule::FormUserField { field } => add(users_in_field(inputs.form.get(field))),
            ParticipantRule::Initiator => add(vec![inputs.initiator.clone()]),
        }
    }
    out
}

/// An org with nobody in it: every rule but fixed users, initiator and form fields resolves empty.
pub struct EmptyOrg;

impl OrgDirectory for EmptyOrg {
    fn supervisor(&self, _: &UserId) -> Option<UserId> {
        None
    }
    fn department_of(&self, _: &UserId) -> Option<DeptId> {
        None
    }
    fn department_head(&self, _: &DeptId) -> Option<UserId> {
        None
    }
    fn leader_in_charge(&self, _: &DeptId) -> Option<UserId> {
        None
    }
    fn members_of_role(&self, _: &str) -> Vec<UserId> {
        Vec::new()
    }
    fn members_of_post(&self, _: &str) -> Vec<UserId> {
        Vec::new()
    }
    fn members_of_department(&self, _: &DeptId, _: bool) -> Vec<UserId> {
        Vec::new()
    }
}
