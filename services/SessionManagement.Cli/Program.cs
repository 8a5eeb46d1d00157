using SessionManagement.Cli;
using Spectre.Console.Cli;

// smctl: find, export, import, restore and check sessions, through the gateway's API (docs/smctl.md).
var app = new CommandApp();
app.Configure(SmctlApp.Configure);
return await app.RunAsync(args);
