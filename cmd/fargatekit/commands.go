package main

// extraCommands lists the capability subcommands, one file each. Add a line
// here when adding a command file.
func extraCommands() []command {
	return []command{}
}
