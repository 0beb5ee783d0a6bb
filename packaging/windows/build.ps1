# 在 Windows 上打包党员积分管理：冻结的程序文件夹和每用户安装程序（不需要管理员权限）。
# Build on Windows: the frozen folder (dist\dangyuan-jifen\) and the per-user installer
# (dist\installer\党员积分管理-安装-<版本>.exe). Needs uv and Inno Setup 6 (ISCC.exe).
# Usage (PowerShell, from anywhere):  powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root

uv sync --frozen
if ($LASTEXITCODE -ne 0) { throw "uv sync 失败" }
uv run python packaging/freeze.py
if ($LASTEXITCODE -ne 0) { throw "打包失败" }

# Quick check of the frozen program (the console twin prints; the window one has no console).
& "dist\dangyuan-jifen\dangyuan-jifen-cli.exe" --version
if ($LASTEXITCODE -ne 0) { throw "冻结的程序无法运行" }

$version = (uv run python -c "import app; print(app.__version__)").Trim()
$iscc = Get-Command ISCC.exe -ErrorAction SilentlyContinue
if ($iscc) { $iscc = $iscc.Source } else { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "没有找到 Inno Setup 6 的 ISCC.exe，请先安装 Inno Setup" }
& $iscc "/DAppVersion=$version" "packaging\windows\dangyuan-jifen.iss"
if ($LASTEXITCODE -ne 0) { throw "安装程序生成失败" }
Get-ChildItem "dist\installer"
