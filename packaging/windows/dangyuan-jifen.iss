; (Saved as UTF-8 with a byte-order mark: Inno Setup then reads the Chinese names right.)
; 党员积分管理 — Inno Setup 6.3+ script: a per-user install (no administrator rights) from the
; frozen folder dist\dangyuan-jifen\ that packaging\freeze.py builds.
; Build: ISCC.exe /DAppVersion=0.1.0 packaging\windows\dangyuan-jifen.iss  (build.ps1 does this)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "党员积分管理"
#define AppExe "dangyuan-jifen.exe"
#define Source "..\..\dist\dangyuan-jifen"

[Setup]
AppId={{6B0C2F4E-3D5A-4E7B-9C1D-2A8F5E6B7C30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
; Per user, without administrator rights: into %LOCALAPPDATA%\Programs, shortcuts for this user.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\dangyuan-jifen
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist\installer
OutputBaseFilename=党员积分管理-安装-{#AppVersion}
SetupIconFile=..\..\resources\icons\dangyuan-jifen.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The clerk's data (database, settings, automatic backups) lives in %LOCALAPPDATA%\dangyuan-jifen,
; not in {app}: uninstalling or upgrading never touches it.

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面上创建快捷方式"; GroupDescription: "快捷方式："

[Files]
Source: "{#Source}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\卸载{#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "现在启动{#AppName}"; Flags: nowait postinstall skipifsilent
