//! Any bytes fed to the BPMN importer give a graph or an error, never a panic; whatever imports
//! and validates must export and import again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xietong_engine::bpmn;

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else { return };
    if let Ok(def) = bpmn::load(xml) {
        let again = bpmn::import(&bpmn::export(def.graph())).expect("exported BPMN imports");
        assert_eq!(again.without_layout(), def.graph().without_layout());
    }
});
