rule Externals
{
    condition:
        filename matches /\.exe$/ and extension == "exe" and
        filetype == "EXE" and owner != "" and filepath contains "/"
}
