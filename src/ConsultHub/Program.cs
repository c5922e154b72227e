// Placeholder entry point while the host is assembled; see README.
Console.WriteLine("Telemed ConsultHub");
