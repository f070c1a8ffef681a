//! The YAML event stream, from libyaml (`libyaml-rs`, the YAML project's
//! Rust translation of the C library).
//!
//! Why libyaml and not a YAML 1.2 parser: kubectl reads manifests with
//! sigs.k8s.io/yaml over go-yaml v2, and go-yaml v2's scanner and parser
//! are a line-by-line port of libyaml. Using the same lineage means the
//! same files are accepted and split into the same nodes; the YAML 1.1
//! meaning of each scalar is then decided in `decode`, as go-yaml does.
//! This is the only `unsafe` of the manifest stage: libyaml-rs keeps C's
//! API, so this module owns the parser, copies each event out, and frees it.

use std::mem::MaybeUninit;

use libyaml_rs as sys;

/// Where an event starts: 0-based line and column, byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mark {
    pub line: u64,
    pub column: u64,
    pub index: u64,
}

#[derive(Debug)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: Option<String>,
        value: String,
        /// Written in double quotes; with `raw`, the scalar's source bytes
        /// (offsets into the input), for escapes libyaml and go-yaml read
        /// differently.
        double_quoted: bool,
        raw: (usize, usize),
        /// libyaml's `plain_implicit`: plain and untagged (or tagged `!`),
        /// so the scalar's type is resolved from its text.
        implicit: bool,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: Option<String>,
        /// Written in flow style (`[a, b]`).
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: Option<String>,
        /// Written in flow style (`{a: b}`).
        flow: bool,
    },
    MappingEnd,
}

/// A syntax error, as libyaml words it, with where it was found.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub problem: String,
    pub context: Option<String>,
    pub mark: Mark,
}

pub struct Parser {
    // Boxed so its address stays put: libyaml keeps pointers into it and
    // into `input`, whose heap buffer never moves either.
    sys: Box<MaybeUninit<sys::yaml_parser_t>>,
    _input: Vec<u8>,
    done: bool,
}

impl Parser {
    /// A parser over `input` (owned, so the parser's pointers stay valid).
    pub fn new(input: Vec<u8>) -> Result<Parser, SyntaxError> {
        let mut parser = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
        // SAFETY: yaml_parser_initialize fully initialises the struct it is
        // given; the input pointer stays valid for the parser's lifetime
        // because the Vec is moved into the same owner, unmodified.
        unsafe {
            if sys::yaml_parser_initialize(parser.as_mut_ptr()).fail {
                return Err(SyntaxError {
                    problem: "out of memory starting the YAML parser".into(),
                    context: None,
                    mark: Mark::default(),
                });
            }
            sys::yaml_parser_set_input_string(
                parser.as_mut_ptr(),
                input.as_ptr(),
                input.len() as _,
            );
        }
        Ok(Parser {
            sys: parser,
            _input: input,
            done: false,
        })
    }

    /// The next event and where it starts; after StreamEnd or an error,
    /// only errors.
    pub fn next_event(&mut self) -> Result<(Event, Mark), SyntaxError> {
        if self.done {
            return Err(SyntaxError {
                problem: "read past the end of the YAML stream".into(),
                context: None,
                mark: Mark::default(),
            });
        }
        let parser = self.sys.as_mut_ptr();
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new`; a successful
        // yaml_parser_parse initialises `event`, which is read through the
        // union member its `type_` names and then freed exactly once.
        unsafe {
            if sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                self.done = true;
                return Err(error_of(&*parser));
            }
            let e = &*event.as_ptr();
            let mark = Mark {
                line: e.start_mark.line,
                column: e.start_mark.column,
                index: e.start_mark.index,
            };
            let converted = convert(e);
            sys::yaml_event_delete(event.as_mut_ptr());
            if matches!(converted, Some(Event::StreamEnd)) {
                self.done = true;
            }
            match converted {
                Some(ev) => Ok((ev, mark)),
                None => {
                    self.done = true;
                    Err(SyntaxError {
                        problem: "the YAML parser produced an event it does not know".into(),
                        context: None,
                        mark,
                    })
                }
            }
        }
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: initialised in `new` (a failed initialisation never
        // builds a Parser), deleted once.
        unsafe { sys::yaml_parser_delete(self.sys.as_mut_ptr()) }
    }
}

/// SAFETY: `p` must be a NUL-terminated string or null.
unsafe fn c_string(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: by the caller's contract.
    let c = unsafe { std::ffi::CStr::from_ptr(p.cast()) };
    Some(String::from_utf8_lossy(c.to_bytes()).into_owned())
}

/// SAFETY: `e` must be an event libyaml produced and has not freed.
unsafe fn convert(e: &sys::yaml_event_t) -> Option<Event> {
    use sys::yaml_event_type_t as T;
    // SAFETY: each arm reads the union member its event type defines.
    unsafe {
        Some(match e.type_ {
            T::YAML_STREAM_START_EVENT => Event::StreamStart,
            T::YAML_STREAM_END_EVENT => Event::StreamEnd,
            T::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            T::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            T::YAML_ALIAS_EVENT => Event::Alias {
                anchor: c_string(e.data.alias.anchor)?,
            },
            T::YAML_SCALAR_EVENT => {
                let s = e.data.scalar;
                let bytes = if s.value.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(s.value, s.length as usize)
                };
                Event::Scalar {
                    anchor: c_string(s.anchor),
                    tag: c_string(s.tag),
                    // libyaml only emits UTF-8 for UTF-8 input, and the
                    // caller has checked the input is UTF-8.
                    value: String::from_utf8_lossy(bytes).into_owned(),
                    double_quoted: s.style
                        == sys::yaml_scalar_style_t::YAML_DOUBLE_QUOTED_SCALAR_STYLE,
                    raw: (e.start_mark.index as usize, e.end_mark.index as usize),
                    implicit: s.plain_implicit,
                }
            }
            T::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: c_string(e.data.sequence_start.anchor),
                tag: c_string(e.data.sequence_start.tag),
                flow: e.data.sequence_start.style
                    == sys::yaml_sequence_style_t::YAML_FLOW_SEQUENCE_STYLE,
            },
            T::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            T::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: c_string(e.data.mapping_start.anchor),
                tag: c_string(e.data.mapping_start.tag),
                flow: e.data.mapping_start.style
                    == sys::yaml_mapping_style_t::YAML_FLOW_MAPPING_STYLE,
            },
            T::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            _ => return None,
        })
    }
}

fn error_of(p: &sys::yaml_parser_t) -> SyntaxError {
    // SAFETY: libyaml sets `problem`/`context` to static C strings or null.
    let (problem, context) = unsafe { (c_string(p.problem.cast()), c_string(p.context.cast())) };
    let m = if p.problem_mark.line == 0 && p.problem_mark.column == 0 && p.problem_mark.index == 0 {
        p.context_mark
    } else {
        p.problem_mark
    };
    SyntaxError {
        problem: problem.unwrap_or_else(|| "invalid YAML".into()),
        context,
        mark: Mark {
            line: m.line,
            column: m.column,
            index: m.index,
        },
    }
}
