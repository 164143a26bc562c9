//! Commands applied to an instance: `start` and `apply` are the engine's functional core.

mod decide;
mod initiator;
mod send_back;
mod signers;
mod tasks;

pub use send_back::{available_actions, send_back_targets};

use crate::command::{Action, Command, Facts, StartRequest};
use crate::definition::FlowDefinition;
use crate::history::{Effect, Effects, HistoryAction};
use crate::ids::{TaskId, UserId};
use crate::model::{TaskAction, UserNode};
use crate::refusal::Refusal;
use crate::runtime::Run;
use crate::state::{InstanceState, Status, TaskState};
use std::sync::Arc;

/// Starts an instance: the new state and its effects, or why it cannot start.
pub fn start(
    def: &FlowDefinition,
    request: StartRequest,
    facts: &Facts<'_>,
) -> Result<(InstanceState, Effects), Refusal> {
    let mut st = InstanceState {
        status: Status::Running,
        initiator: request.initiator,
        initiator_facts: request.initiator_facts,
        form: Arc::new(request.form),
        chosen: request.chosen,
        tokens: Vec::new(),
        frames: Vec::new(),
        tasks: Vec::new(),
        timers: Vec::new(),
        cc: Vec::new(),
        passed: Vec::new(),
        last_actors: Vec::new(),
        stances: (false, false),
        returned_from: None,
        acted: false,
        urged: Vec::new(),
        due: None,
        overdue: false,
        next_id: 0,
    };
    let mut fx = Effects::default();
    fx.effects.push(Effect::SerialNumberRequested);
    let mut run = Run {
        def,
        facts,
        st: &mut st,
        fx: &mut fx,
    };
    let mut ev = run.event(HistoryAction::Started);
    ev.actor = Some(run.st.initiator.clone());
    ev.from = Some(def.start);
    let at = run.fx.history.len();
    run.fx.history.push(ev);
    if let Some(limit) = def.graph().time_limit {
        let due = limit.due(facts.now, facts.calendar);
        run.st.due = Some(due);
        run.fx.effects.push(Effect::FlowDue { due });
    }
    let reached = run.enter((def.start, None, 0))?;
    fx.history[at].to = reached;
    Ok((st, fx))
}

/// Applies a command to a copy of the state: the new state and its effects, or a refusal
/// (and then nothing changed).
pub fn apply(
    def: &FlowDefinition,
    state: &InstanceState,
    command: &Command,
    facts: &Facts<'_>,
) -> Result<(InstanceState, Effects), Refusal> {
    let mut st = state.clone();
    let fx = apply_in_place(def, &mut st, command, facts)?;
    Ok((st, fx))
}

/// Applies a command to `state` itself. On refusal the state may be partly changed: callers that
/// keep using it should call `apply` instead (the server reloads it from its row anyway).
pub fn apply_in_place(
    def: &FlowDefinition,
    state: &mut InstanceState,
    command: &Command,
    facts: &Facts<'_>,
) -> Result<Effects, Refusal> {
    let mut fx = Effects::default();
    let mut ctx = Ctx {
        run: Run {
            def,
            facts,
            st: state,
            fx: &mut fx,
        },
        cmd: command,
    };
    if ctx.run.st.is_finished() && !matches!(command.action, Action::MarkRead { .. }) {
        return Err(Refusal::InstanceNotRunning);
    }
    // Tasks held by stand-ins (委托): what their holder does is recorded "代 X 办理".
    let held: Vec<(TaskId, UserId)> = ctx
        .run
        .st
        .tasks
        .iter()
        .filter_map(|t| t.principal.clone().map(|p| (t.id, p)))
        .collect();
    match &command.action {
        Action::Agree {
            task,
            opinion,
            form,
        } => ctx.decide(*task, crate::history::Stance::Agree, opinion, form.as_ref()),
        Action::Disagree { task, opinion } => {
            ctx.decide(*task, crate::history::Stance::Disagree, opinion, None)
        }
        Action::Read { task, opinion } => {
            ctx.decide(*task, crate::history::Stance::Read, opinion, None)
        }
        Action::SendBack {
            task,
            target,
            opinion,
        } => ctx.send_back(*task, target, opinion),
        Action::Resubmit { task, form } => ctx.resubmit(*task, form.as_ref()),
        Action::Transfer { task, to, opinion } => ctx.transfer(*task, to, opinion),
        Action::Delegate { task, to, opinion } => ctx.delegate(*task, to, opinion),
        Action::ReturnDelegation { task, opinion } => ctx.return_delegation(*task, opinion),
        Action::AddSigners {
            task,
            users,
            position,
        } => ctx.add_signers(*task, users, *position),
        Action::RemoveSigners { task, users } => ctx.remove_signers(*task, users),
        Action::Withdraw { reason } => ctx.withdraw(reason),
        Action::Cancel { reason } => ctx.cancel(reason),
        Action::Urge { task, message } => ctx.urge(*task, message),
        Action::Cc { task, users } => ctx.carbon_copy(*task, users),
        Action::MarkRead { cc } => ctx.mark_read(*cc),
        Action::KeepPending {
            task,
            reason,
            promised,
        } => ctx.keep_pending(*task, reason, *promised),
        Action::RequestExtension { task, days, reason } => ctx.extend(*task, *days, reason),
        Action::ReplaceHandler { task, to, reason } => ctx.replace_handler(*task, to, reason),
        Action::FireTimer { timer } => ctx.fire_timer(*timer),
        Action::Overdue { task } => ctx.overdue(*task),
        Action::FlowOverdue => ctx.flow_overdue(),
        Action::HandToStandIn { task } => ctx.hand_to_stand_in(*task),
        Action::SubFlowFinished { token, approved } => ctx.sub_flow_finished(*token, *approved),
    }?;
    if !held.is_empty() {
        for ev in &mut fx.history {
            if ev.acting_for.is_none()
                && ev.actor.as_ref() == Some(&command.actor)
                && let Some((_, p)) = held.iter().find(|(t, _)| Some(*t) == ev.task)
            {
                ev.acting_for = Some(p.clone());
            }
        }
    }
    Ok(fx)
}

/// A command being applied.
pub(crate) struct Ctx<'a, 'f> {
    pub run: Run<'a, 'f>,
    pub cmd: &'a Command,
}

impl Ctx<'_, '_> {
    /// The user whose task this is: the actor, or whom they stand in for.
    fn principal(&self) -> &UserId {
        self.cmd.acting_for.as_ref().unwrap_or(&self.cmd.actor)
    }

    /// A history record by the actor.
    fn event(&self, action: HistoryAction) -> crate::history::HistoryEvent {
        let mut ev = self.run.event(action);
        ev.actor = Some(self.cmd.actor.clone());
        ev.acting_for = self.cmd.acting_for.clone();
        ev
    }

    /// The index of an open task of the principal on an approve/handle node, checking that the
    /// node allows `action`.
    fn own_task(&self, task: TaskId, action: Option<TaskAction>) -> Result<usize, Refusal> {
        let st = &self.run.st;
        let i = st
            .tasks
            .iter()
            .position(|t| t.id == task)
            .ok_or(Refusal::TaskNotFound)?;
        let t = &st.tasks[i];
        if t.state != TaskState::Open {
            return Err(Refusal::TaskNotOpen);
        }
        if &t.assignee != self.principal() {
            return Err(Refusal::NotAssignee);
        }
        if t.node == self.run.def.start {
            return Err(Refusal::ResubmitTask);
        }
        if t.delegated_by.is_some() {
            return Err(Refusal::DelegatedTask);
        }
        if let Some(action) = action
            && !self.user_node(t.node).actions.allows(action)
        {
            return Err(Refusal::ActionNotAllowed(action));
        }
        Ok(i)
    }

    fn user_node(&self, node: crate::ids::NodeId) -> &UserNode {
        self.run
            .def
            .node(node)
            .kind
            .user_node()
            .expect("tasks live on user nodes")
    }

    fn is_supervisor(&self) -> bool {
        self.run.facts.supervisor == Some(&self.cmd.actor)
            || *self.run.facts.admin == self.cmd.actor
    }
}
