//! Test world: a small org, a calendar, and an instance wrapper that checks every command keeps
//! history append-only and the DESIGN §3 invariants.

use serde_json::{Value, json};
use std::collections::HashMap;
use xietong_engine::tree::{FlowTree, TreeNode};
use xietong_engine::*;

/// A tiny org: user → supervisor, user → department, department heads and leaders, roles.
#[derive(Default)]
pub struct Org {
    pub supervisor: HashMap<String, String>,
    pub department: HashMap<String, String>,
    pub head: HashMap<String, String>,
    pub leader: HashMap<String, String>,
    pub roles: HashMap<String, Vec<String>>,
    /// Who stands in for whom (out-of-office delegation), chains already followed.
    pub stand_ins: HashMap<String, String>,
}

impl Org {
    /// staff → lead → director → ceo; staff and lead in `sales` (head: lead, leader: vp).
    pub fn standard() -> Org {
        let mut o = Org::default();
        for (u, s) in [
            ("staff", "lead"),
            ("lead", "director"),
            ("director", "ceo"),
            ("other", "lead"),
        ] {
            o.supervisor.insert(u.into(), s.into());
        }
        for u in ["staff", "lead", "other"] {
            o.department.insert(u.into(), "sales".into());
        }
        o.department.insert("director".into(), "board".into());
        o.head.insert("sales".into(), "lead".into());
        o.head.insert("finance".into(), "fin-head".into());
        o.leader.insert("sales".into(), "vp".into());
        o.roles
            .insert("auditor".into(), vec!["aud1".into(), "aud2".into()]);
        o
    }
}

impl OrgDirectory for Org {
    fn supervisor(&self, user: &UserId) -> Option<UserId> {
        self.supervisor
            .get(user.as_str())
            .map(|s| UserId::from(s.as_str()))
    }
    fn department_of(&self, user: &UserId) -> Option<DeptId> {
        self.department
            .get(user.as_str())
            .map(|s| DeptId::from(s.as_str()))
    }
    fn department_head(&self, dept: &DeptId) -> Option<UserId> {
        self.head
            .get(dept.as_str())
            .map(|s| UserId::from(s.as_str()))
    }
    fn leader_in_charge(&self, dept: &DeptId) -> Option<UserId> {
        self.leader
            .get(dept.as_str())
            .map(|s| UserId::from(s.as_str()))
    }
    fn members_of_role(&self, role: &str) -> Vec<UserId> {
        self.roles
            .get(role)
            .map(|v| v.iter().map(|s| UserId::from(s.as_str())).collect())
            .unwrap_or_default()
    }
    fn members_of_post(&self, _: &str) -> Vec<UserId> {
        Vec::new()
    }
    fn stand_in(&self, user: &UserId) -> Option<UserId> {
        self.stand_ins
            .get(user.as_str())
            .map(|s| UserId::from(s.as_str()))
    }
    fn members_of_department(&self, dept: &DeptId, _: bool) -> Vec<UserId> {
        let mut v: Vec<UserId> = self
            .department
            .iter()
            .filter(|(_, d)| *d == dept.as_str())
            .map(|(u, _)| UserId::from(u.as_str()))
            .collect();
        v.sort();
        v
    }
}

pub fn u(s: &str) -> UserId {
    UserId::from(s)
}

/// An approver node from JSON settings merged over `{participants: users}`.
pub fn approver(id: &str, users: &[&str], extra: Value) -> Value {
    let mut v =
        json!({"type": "approver", "id": id, "participants": [{"type": "users", "users": users}]});
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.extend(e);
    }
    v
}

pub fn tree(nodes: Vec<Value>) -> FlowDefinition {
    tree_with(json!({"key": "t", "name": "test", "nodes": nodes}))
}

pub fn tree_with(spec: Value) -> FlowDefinition {
    let t: FlowTree = serde_json::from_value(spec).expect("tree json");
    xietong_engine::tree::compile(&t).unwrap_or_else(|e| panic!("{e:?}"))
}

#[allow(dead_code)]
pub fn tree_node(v: Value) -> TreeNode {
    serde_json::from_value(v).unwrap()
}

pub struct World {
    pub def: FlowDefinition,
    pub org: Org,
    pub cal: WeekendsOnly,
    pub admin: UserId,
    pub supervisor: UserId,
    pub now: Timestamp,
}

impl World {
    pub fn new(def: FlowDefinition) -> World {
        World {
            def,
            org: Org::standard(),
            cal: WeekendsOnly::default(),
            admin: u("admin"),
            supervisor: u("boss"),
            now: Timestamp(1_715_331_600),
        }
    }

    pub fn facts(&self) -> Facts<'_> {
        Facts {
            now: self.now,
            org: &self.org,
            calendar: &self.cal,
            admin: &self.admin,
            supervisor: Some(&self.supervisor),
        }
    }

    pub fn try_start(&self, initiator: &str, form: Value) -> Result<Instance<'_>, Refusal> {
        let req = StartRequest {
            initiator: u(initiator),
            initiator_facts: Default::default(),
            form: form.as_object().cloned().unwrap_or_default(),
            chosen: Default::default(),
        };
        let (state, fx) = start(&self.def, req, &self.facts())?;
        let mut i = Instance {
            w: self,
            state,
            history: Vec::new(),
            effects: Vec::new(),
        };
        i.absorb(fx);
        Ok(i)
    }

    pub fn start(&self, initiator: &str, form: Value) -> Instance<'_> {
        self.try_start(initiator, form).expect("start")
    }
}

pub struct Instance<'w> {
    pub w: &'w World,
    pub state: InstanceState,
    pub history: Vec<HistoryEvent>,
    pub effects: Vec<Effect>,
}

impl Instance<'_> {
    fn absorb(&mut self, fx: Effects) {
        self.history.extend(fx.history);
        self.effects.extend(fx.effects);
        check_invariants(&self.w.def, &self.state);
    }

    pub fn act(&mut self, actor: &str, action: Action) -> Result<(), Refusal> {
        let cmd = Command {
            actor: u(actor),
            acting_for: None,
            action,
        };
        match apply(&self.w.def, &self.state, &cmd, &self.w.facts()) {
            Ok((state, fx)) => {
                assert!(
                    !fx.history.is_empty(),
                    "every accepted command leaves history"
                );
                self.state = state;
                self.absorb(fx);
                Ok(())
            }
            Err(r) => Err(r),
        }
    }

    /// The open task of `user` (exactly one expected).
    pub fn task(&self, user: &str) -> TaskId {
        let uid = u(user);
        let mine: Vec<_> = self.state.tasks_of(&uid).collect();
        assert_eq!(
            mine.len(),
            1,
            "{user} should have one open task; open: {:?}",
            self.open()
        );
        mine[0].id
    }

    pub fn agree(&mut self, user: &str) {
        let task = self.task(user);
        self.act(
            user,
            Action::Agree {
                task,
                opinion: "同意，按预算执行".into(),
                form: None,
            },
        )
        .unwrap_or_else(|e| panic!("{user} agree: {e}"));
    }

    /// Open tasks as `node:user`, sorted.
    pub fn open(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .state
            .open_tasks()
            .map(|t| format!("{}:{}", self.w.def.key(t.node), t.assignee))
            .collect();
        v.sort();
        v
    }

    pub fn times_opened(&self, node: &str) -> usize {
        let id = self.w.def.node_id(node).unwrap();
        self.effects
            .iter()
            .filter(|e| matches!(e, Effect::TaskOpened { node, .. } if *node == id))
            .count()
    }
}

/// DESIGN §3 invariants that hold after every command: the engine's own checker finds nothing.
pub fn check_invariants(def: &FlowDefinition, st: &InstanceState) {
    let broken = xietong_engine::invariants::check(def, st);
    assert!(broken.is_empty(), "invariants broken: {broken:?} in {st:?}");
}
