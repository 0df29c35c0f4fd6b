package mototest

// PID is the server's process ID, for the tests' check that Stop ends it.
func PID(s *Server) int { return s.pid }
