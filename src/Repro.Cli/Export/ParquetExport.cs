using Parquet;
using Parquet.Schema;

namespace Repro.Cli.Export;

/// <summary>The same table as Parquet (Parquet.Net): numeric columns as nullable doubles, the rest as
/// strings, one row group.</summary>
public static class ParquetExport
{
    public static byte[] Write(TidyTable table) => WriteAsync(table).GetAwaiter().GetResult();

    static async Task<byte[]> WriteAsync(TidyTable table)
    {
        var fields = table.Columns.Select(c => table.IsNumeric(c) ? (DataField)new DataField<double?>(c) : new DataField<string>(c)).ToArray();
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        using (var group = writer.CreateRowGroup())
        {
            foreach (var field in fields)
                if (field is DataField<double?>)
                    await group.WriteAsync<double>(field, table.Rows.Select(r => r.GetValueOrDefault(field.Name) as double?).ToArray().AsMemory());
                else
                    await group.WriteAsync(field, table.Rows.Select(r => r.GetValueOrDefault(field.Name)?.ToString()).ToArray()!);
            group.CompleteValidate();
        }
        return stream.ToArray();
    }
}
