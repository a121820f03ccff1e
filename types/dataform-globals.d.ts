// The globals Dataform provides to includes while it compiles a project; only what includes use.
declare const dataform: {
  projectConfig: {
    vars?: Record<string, string>;
  };
};
