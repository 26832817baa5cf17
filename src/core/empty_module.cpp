// Placeholder source for a module that has no code yet (see nprcheck_module).
