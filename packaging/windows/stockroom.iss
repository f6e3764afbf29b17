; Inno Setup 6.3+ script: installs the PyInstaller one-folder build (dist\stockroom) as a normal Windows program.
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\stockroom.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\stockroom.iss
;
; Produces dist\stockroom-<version>-windows-x64-setup.exe. Paths below are relative to this file.
; Per-user data (%LOCALAPPDATA%\stockroom) and the credentials in Windows Credential Locker stay on uninstall, as
; they do for other programs: removing the program is not removing the user's work.

#ifndef AppVersion
  #error Pass the version on the command line: iscc /DAppVersion=X.Y.Z packaging\windows\stockroom.iss
#endif

#define AppName "Stockroom"
#define AppExe "stockroom.exe"
#define Bundle "..\..\dist\stockroom"

[Setup]
; The AppId identifies the program to the uninstaller and to upgrades: never change it.
AppId={{BD20C3BE-BA7F-4A9D-90F4-5B71A24DA374}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Stockroom developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for all users into Program Files; the first page offers a per-user install without administrator rights.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=stockroom-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\stockroom.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Closes a running Stockroom before replacing its files.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale, so no file of an older version is loaded by mistake.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Inventory manager for Commerce Layer"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
